import type { NextConfig } from 'next';

const nextConfig: NextConfig = {
  output: 'standalone',
  poweredByHeader: false,
  // client-node pulls in optional native/ws bits; keep it out of the server bundle.
  serverExternalPackages: ['@kubernetes/client-node', 'pino', 'prom-client'],
  // Server code reads scenarios/ and the data dir relative to process.cwd(), which makes the file tracer copy the
  // whole project into the standalone output; the image needs none of it (scenarios are copied by finish-build).
  outputFileTracingExcludes: {
    '*': ['./chart/**', './e2e/**', './test/**', './docs/**', './test-results/**', './.tmp/**', './.hopscope-data/**', './lib/echo/testdata/**', './lib/snapshot/testdata/**', './app/api/**/*.ts', './tsconfig.json', './package-lock.json', './*.md'],
  },
};

export default nextConfig;
