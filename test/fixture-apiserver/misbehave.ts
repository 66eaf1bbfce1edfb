import type { ServerResponse } from 'node:http';
import { qualifiedName, type ResourceType } from './resources';
import type { StoredObject } from './store';

// Misbehaviour on purpose, for the tests of a client's bounds: an apiserver (or a proxy in front of one) that
// pages forever, answers lists far too big to hold, or answers each page slowly. Off unless asked for; only
// list answers misbehave, everything else stays a well-behaved apiserver.

export interface Misbehaviour {
  /**
   * Every list page carries a `continue` token, the last one too: full pages of ever new objects (renamed copies of
   * the stored ones) forever; an empty list answers empty pages forever.
   */
  endlessContinue?: boolean;
  /** Each list answer also carries this many bytes of filler in a field nobody reads, streamed in chunks without a
   * Content-Length and never held in memory here. */
  padBytes?: number;
  /** Wait before each list page of the misbehaving resources (`delayMs` of the server delays every answer). */
  pageDelayMs?: number;
  /** The resources that misbehave, as `<plural>.<group>` (core: `<plural>`); every list when unset. */
  resources?: string[];
}

/** The misbehaviour that applies to lists of `resource`, or null when it lists normally. */
export function misbehaviourFor(misbehaviour: Misbehaviour | null, resource: ResourceType): Misbehaviour | null {
  if (!misbehaviour) return null;
  if (misbehaviour.resources && !misbehaviour.resources.includes(qualifiedName(resource))) return null;
  return misbehaviour;
}

/** The item at `index` of an endless list: the stored ones, then copies named `<name>-<round>` with their own uid. */
function endlessItem(items: StoredObject[], index: number): StoredObject {
  const item = items[index % items.length]!;
  const round = Math.floor(index / items.length);
  if (round === 0) return item;
  const { name, uid } = item.metadata;
  return { ...item, metadata: { ...item.metadata, name: `${name}-${round}`, ...(uid ? { uid: `${uid}-${round}` } : {}) } };
}

/**
 * Like the real paging, but the next token never runs out: full pages that go round the items again and again as
 * new objects (renamed copies), so a list of any size is served from a few stored objects.
 */
export function endlessPage(items: StoredObject[], url: URL, resourceVersion: string) {
  const limit = Math.max(1, Number(url.searchParams.get('limit') ?? '500') || 500);
  const decoded = /^(\d+):(\d+)$/.exec(Buffer.from(url.searchParams.get('continue') ?? '', 'base64url').toString());
  const offset = decoded ? Number(decoded[2]) : 0;
  const page = items.length === 0 ? [] : Array.from({ length: limit }, (_, i) => endlessItem(items, offset + i));
  const next = Buffer.from(`${resourceVersion}:${offset + limit}`).toString('base64url');
  return { items: page, metadata: { resourceVersion, continue: next, remainingItemCount: items.length } };
}

const FILLER = Buffer.alloc(64 * 1024, 'x');

/**
 * `body` as JSON with `padBytes` bytes of filler before its fields, written chunk by chunk as the client takes
 * them (backpressure), so a client that stops reading stops the stream. `onBytes` counts what was written.
 */
export async function sendPadded(response: ServerResponse, code: number, body: object, padBytes: number, onBytes: (n: number) => void) {
  response.writeHead(code, { 'Content-Type': 'application/json' });
  let closed = false;
  response.once('close', () => {
    closed = true;
  });
  const write = async (chunk: Buffer | string) => {
    onBytes(Buffer.byteLength(chunk));
    if (!response.write(chunk)) await drained(response);
  };
  const fields = JSON.stringify(body).slice(1);
  await write('{"padding":"');
  for (let left = padBytes; left > 0 && !closed; left -= FILLER.length) {
    await write(left >= FILLER.length ? FILLER : FILLER.subarray(0, left));
  }
  if (closed) return;
  await write(`"${fields.length > 1 ? ',' : ''}${fields}`);
  response.end();
}

/** Resolves on 'drain' or 'close', whichever comes first, and leaves no listener behind. */
function drained(response: ServerResponse): Promise<void> {
  return new Promise((resolvePromise) => {
    const done = () => {
      response.off('drain', done);
      response.off('close', done);
      resolvePromise();
    };
    response.on('drain', done);
    response.on('close', done);
  });
}
