# syntax=docker/dockerfile:1
# One image, two programs: the dashboard (default, `node server.js`) and the echo probe target (`node echo.mjs`).
# Runs as uid 65532 on a read-only root filesystem; the only writable paths are /data (snapshots) and /tmp.
ARG NODE_IMAGE=node:20-bookworm-slim

FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund

FROM ${NODE_IMAGE} AS build
WORKDIR /app
ENV NEXT_TELEMETRY_DISABLED=1
COPY --from=deps /app/node_modules ./node_modules
COPY . .
# next build (standalone output) + static/public/scenarios copied beside server.js + echo bundled to echo.mjs.
RUN npm run build

FROM ${NODE_IMAGE} AS runtime
ARG HOPSCOPE_VERSION=0.0.0-dev
LABEL org.opencontainers.image.title="hopscope" \
      org.opencontainers.image.description="Which client address every hop into a Kubernetes cluster sees" \
      org.opencontainers.image.licenses="Apache-2.0" \
      org.opencontainers.image.version="${HOPSCOPE_VERSION}"
ENV NODE_ENV=production \
    NEXT_TELEMETRY_DISABLED=1 \
    PORT=3000 \
    HOSTNAME=0.0.0.0 \
    HOPSCOPE_DATA_DIR=/data \
    HOPSCOPE_VERSION=${HOPSCOPE_VERSION}
WORKDIR /app
# Owned by root and not writable by the runtime user: the app cannot modify itself.
COPY --from=build /app/.next/standalone ./
RUN mkdir /data && chown 65532:65532 /data
USER 65532:65532
EXPOSE 3000 8080
CMD ["node", "server.js"]
