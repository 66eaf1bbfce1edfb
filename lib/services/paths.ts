import 'server-only';
import type { PathsQueryInput, SourceQueryInput } from '@/lib/contract/requests';
import { getInventory } from '@/lib/k8s/inventory';
import { buildPaths, formatWhatIf, parseWhatIfList, type ModelPath, type WhatIf } from '@/lib/model';
import { filterPaths } from '@/lib/model/filter';
import { processState } from '@/lib/process-state';
import type { ClusterInventory, PathsResponse } from '@/lib/types';

// inventory → paths, composed here once for the API, traces and snapshots.
//
// Built once per inventory: the inventory cache (lib/k8s/inventory.ts) hands every caller of one discovery the same
// object for a short while, so fifty viewers refreshing together would otherwise build the same paths fifty times
// and serialize the same ~10 MB answer fifty times, at once. Builds are keyed on that object (a WeakMap: they go
// when the inventory does, so nothing outlives the inventory cache's TTL) and on the what-if expressions, and the
// unfiltered answer is serialized once per build and sent from the same bytes to every viewer. Like the inventory,
// the paths are shared: read-only to callers.

interface Build {
  paths: ModelPath[];
  /** The unfiltered answer of GET /api/v1/paths, serialized when first asked for. */
  body?: Uint8Array;
}

/** What-if previews kept per inventory: each is a full build, and expressions are the client's to vary. */
export const WHAT_IF_BUILDS_PER_INVENTORY = 8;

const builds = processState('path-builds', () => new WeakMap<ClusterInventory, Map<string, Build>>());

function buildOf(inventory: ClusterInventory, whatIf: readonly WhatIf[]): Build {
  const key = JSON.stringify(whatIf);
  let perInventory = builds.get(inventory);
  if (!perInventory) builds.set(inventory, (perInventory = new Map()));
  let build = perInventory.get(key);
  if (!build) {
    build = { paths: buildPaths(inventory, whatIf) };
    // The oldest goes first; the plain build (no what-if) is rebuilt if it was the one.
    if (perInventory.size >= WHAT_IF_BUILDS_PER_INVENTORY) perInventory.delete(perInventory.keys().next().value!);
    perInventory.set(key, build);
  }
  return build;
}

/** Every path of `inventory` with `whatIf` applied; the same array for the same inventory and expressions. */
export function pathsOf(inventory: ClusterInventory, whatIf: readonly WhatIf[] = []): ModelPath[] {
  return buildOf(inventory, whatIf).paths;
}

export interface SourcePaths {
  inventory: ClusterInventory;
  paths: ModelPath[];
}

/**
 * The discovered inventory of a source and every path through it, as the model predicts them. `signal` is the
 * request's: a client that goes away stops waiting for discovery (and discovery stops when nobody else waits).
 */
export async function currentPaths(source: SourceQueryInput, signal?: AbortSignal): Promise<SourcePaths> {
  const inventory = await getInventory({ ...source, signal });
  return { inventory, paths: pathsOf(inventory) };
}

function answerOf(inventory: ClusterInventory, whatIf: readonly WhatIf[], paths: PathsResponse['paths'], all: readonly unknown[]): PathsResponse {
  return { source: inventory.source, paths, total: all.length, whatIf: whatIf.map(formatWhatIf), errors: inventory.errors };
}

/** The parts of a GET /api/v1/paths query: whose paths, which what-ifs, and which of the paths. */
function partsOf(query: PathsQueryInput) {
  const { namespace, kind, verdict, q, whatIf: expressions, ...source } = query;
  const filter = { namespace: namespace ?? null, kind: kind ?? null, verdict: verdict ?? null, query: q ?? '' };
  const filtered = Boolean(filter.namespace || filter.kind || filter.verdict || filter.query.trim());
  return { source, whatIf: expressions.flatMap(parseWhatIfList), filter, filtered };
}

/** The query's paths: the shared build of its inventory and what-ifs, and its filter. */
async function queried(query: PathsQueryInput, signal?: AbortSignal) {
  const { source, whatIf, filter, filtered } = partsOf(query);
  const inventory = await getInventory({ ...source, signal });
  return { inventory, whatIf, filter, filtered, build: buildOf(inventory, whatIf) };
}

/** GET /api/v1/paths: the paths matching the filters, optionally with what-if previews applied first. */
export async function pathsFor(query: PathsQueryInput, signal?: AbortSignal): Promise<PathsResponse> {
  const { inventory, whatIf, filter, build } = await queried(query, signal);
  return answerOf(inventory, whatIf, filterPaths(build.paths, filter), build.paths);
}

const CHUNK_BYTES = 64 * 1024;

/** A body that reads `bytes` in place, chunk by chunk as the client takes them: viewers share one copy. */
function sharedBody(bytes: Uint8Array): ReadableStream<Uint8Array> {
  let offset = 0;
  return new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        const end = Math.min(offset + CHUNK_BYTES, bytes.byteLength);
        controller.enqueue(bytes.subarray(offset, end));
        offset = end;
        if (offset >= bytes.byteLength) controller.close();
      },
    },
    { highWaterMark: 0 },
  );
}

/**
 * GET /api/v1/paths as an HTTP answer. A filtered request gets its own (smaller) answer; the unfiltered one is sent
 * from the bytes every viewer of the same inventory and what-ifs shares.
 */
export async function pathsAnswer(query: PathsQueryInput, signal?: AbortSignal): Promise<Response> {
  const { inventory, whatIf, filter, filtered, build } = await queried(query, signal);
  if (filtered) return Response.json(answerOf(inventory, whatIf, filterPaths(build.paths, filter), build.paths));
  build.body ??= new TextEncoder().encode(JSON.stringify(answerOf(inventory, whatIf, build.paths, build.paths)));
  return new Response(sharedBody(build.body), { headers: { 'Content-Type': 'application/json' } });
}
