import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { imagePathInBuildTree, isDockerIgnored, npmScriptsCalled, parseDockerfile, runtimeImage } from './check-image';

const sample = `# syntax=docker/dockerfile:1
ARG BASE=node:20-slim
FROM \${BASE} AS build
WORKDIR /src
COPY . .
RUN npm ci && \\
    npm run build

FROM --platform=linux/amd64 \${BASE}
ARG VERSION=dev
ARG BASE
ENV A=1 \\
    B="two words" \\
    V=\${VERSION} \\
    FROM_GLOBAL=\${BASE} \\
    UNDECLARED=x\${NOPE}
ENV LEGACY value
workdir /srv
WORKDIR app
COPY --from=build --chown=0:0 /src/dist ./
COPY package.json /etc/app/
USER 1000:1000
ENTRYPOINT ["tini", "--"]
CMD node main.js
`;

describe('parseDockerfile / runtimeImage', () => {
  const dockerfile = parseDockerfile(sample);
  const image = runtimeImage(dockerfile);

  it('splits stages, joins continuations and drops comments', () => {
    expect(dockerfile.globalArgs).toEqual({ BASE: 'node:20-slim' });
    expect(dockerfile.stages.map((s) => [s.name, s.base])).toEqual([
      ['build', '${BASE}'],
      [null, '${BASE}'],
    ]);
    expect(npmScriptsCalled(dockerfile)).toEqual(['build']);
  });

  it.each([
    ['key=value pairs with quotes and build args', 'B', 'two words'],
    ['a default build arg', 'V', 'dev'],
    ['the first pair of a multi-line ENV', 'A', '1'],
    ['the legacy `ENV key value` form', 'LEGACY', 'value'],
    ['a global ARG the stage re-declares', 'FROM_GLOBAL', 'node:20-slim'],
    ['an undeclared variable as empty', 'UNDECLARED', 'x'],
  ])('reads ENV: %s', (_, name, value) => {
    expect(image.env[name]).toBe(value);
  });

  it('resolves relative WORKDIRs, USER, exec and shell forms', () => {
    expect(image.workdir).toBe('/srv/app');
    expect(image.user).toBe('1000:1000');
    expect(image.entrypoint).toEqual(['tini', '--']);
    expect(image.cmd).toEqual(['/bin/sh', '-c', 'node main.js']);
    expect(runtimeImage(dockerfile, { VERSION: '2.0.0' }).env.V).toBe('2.0.0');
  });

  it('maps image paths back to the repository through a stage that copied the whole context', () => {
    expect(image.copies).toEqual([
      { from: 'build', sources: ['/src/dist'], destination: '/srv/app' },
      { from: null, sources: ['package.json'], destination: '/etc/app' },
    ]);
    expect(imagePathInBuildTree(dockerfile, image, '/srv/app/main.js', '/repo')).toBe('/repo/dist/main.js');
    expect(imagePathInBuildTree(dockerfile, image, '/usr/bin/node', '/repo')).toBeNull();
  });

  it('places a copied file inside a destination directory', () => {
    const repo = path.resolve(import.meta.dirname, '..');
    expect(imagePathInBuildTree(dockerfile, image, '/etc/app/package.json', repo)).toBe(path.join(repo, 'package.json'));
  });
});

describe('isDockerIgnored', () => {
  const patterns = ['# build output', 'node_modules', '.next', '*.log', 'docs/**/*.png', '!docs/keep.png', '/dist/'];
  it.each([
    ['node_modules', true],
    ['node_modules/next/package.json', true],
    ['.next/standalone/server.js', true],
    ['app/page.tsx', false],
    ['debug.log', true],
    ['logs/debug.log', false],
    ['docs/img/a.png', true],
    ['docs/keep.png', false],
    ['dist/index.js', true],
    ['package-lock.json', false],
  ])('%s → %s', (file, ignored) => {
    expect(isDockerIgnored(file, patterns)).toBe(ignored);
  });
});
