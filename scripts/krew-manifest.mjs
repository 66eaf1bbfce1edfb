// Fills packaging/krew/hopscope.yaml for one release: the version and sha256 of the npm package (npm pack) and
// the address it is downloaded from, one platform entry per OS and architecture krew knows that Node.js runs on
// (the package is the same JavaScript everywhere).
//   node scripts/krew-manifest.mjs <hopscope-x.y.z.tgz> <download URL> <homepage> > hopscope.yaml
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
export const KREW_PLATFORMS = [
  ['linux', 'amd64'],
  ['linux', 'arm64'],
  ['darwin', 'amd64'],
  ['darwin', 'arm64'],
];

export function krewManifest({ tarball, uri, homepage, version }) {
  if (!/^https:\/\//.test(uri)) throw new Error(`the download URL must be https (krew refuses others), got ${JSON.stringify(uri)}`);
  const sha256 = createHash('sha256').update(readFileSync(tarball)).digest('hex');
  // npm pack puts everything under package/; the files rule lifts it to the plugin's root.
  const platforms = KREW_PLATFORMS.map(([os, arch]) =>
    [
      `  - selector:`,
      `      matchLabels:`,
      `        os: ${os}`,
      `        arch: ${arch}`,
      `    uri: ${uri}`,
      `    sha256: ${sha256}`,
      `    files:`,
      `      - from: "package/*"`,
      `        to: "."`,
      `    bin: bin/hopscope.mjs`,
    ].join('\n'),
  ).join('\n');
  return readFileSync(path.join(root, 'packaging', 'krew', 'hopscope.yaml'), 'utf8')
    .replace(/^#.*\n/gm, '')
    .replace('@@VERSION@@', version)
    .replace('@@HOMEPAGE@@', homepage)
    .replace('@@PLATFORMS@@', platforms);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [tarball, uri, homepage] = process.argv.slice(2);
  if (!tarball || !uri || !homepage) {
    console.error('usage: node scripts/krew-manifest.mjs <hopscope-x.y.z.tgz> <download URL> <homepage>');
    process.exit(2);
  }
  const version = /hopscope-(\d+\.\d+\.\d+[^/]*)\.tgz$/.exec(tarball)?.[1];
  if (!version) {
    console.error(`cannot read the version from ${tarball}: expected hopscope-<version>.tgz as npm pack names it`);
    process.exit(2);
  }
  process.stdout.write(krewManifest({ tarball, uri, homepage, version }));
}
