import 'server-only';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { HopscopeError } from '../errors';
import { generateLargeScenario, LARGE_DEMO_SIZE, largeScenarioMeta } from './large';
import { parseScenarioManifest, type ScenarioManifest, type ScenarioMeta } from './manifest';

// Demo scenarios are the manifests in scenarios/ (next to the server: the build copies them into the
// standalone output) plus the generated `large` one. The same files feed the fixture API server, so every
// demo scenario is also a test scenario.

const DEFAULT_DIR = () => path.join(process.cwd(), 'scenarios');
const cache = new Map<string, ScenarioManifest>();

function scenarioFiles(dir: string): string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => path.join(dir, f));
}

function loadFile(file: string): ScenarioManifest {
  let manifest = cache.get(file);
  if (!manifest) {
    manifest = parseScenarioManifest(readFileSync(file, 'utf8'), path.basename(file));
    cache.set(file, manifest);
  }
  return manifest;
}

/** Every demo scenario: the manifest files by id, then `large`. */
export function listScenarios(dir: string = DEFAULT_DIR()): ScenarioMeta[] {
  const files = scenarioFiles(dir).map((f) => loadFile(f).meta).sort((a, b) => a.id.localeCompare(b.id));
  return [...files, largeScenarioMeta(LARGE_DEMO_SIZE)];
}

function largeDemo(): ScenarioManifest {
  let manifest = cache.get('large');
  if (!manifest) {
    manifest = generateLargeScenario(LARGE_DEMO_SIZE);
    cache.set('large', manifest);
  }
  return manifest;
}

/** One scenario by id; unknown ids are a 404 that lists the known ones. */
export function loadScenario(id: string, dir: string = DEFAULT_DIR()): ScenarioManifest {
  if (id === 'large') return largeDemo();
  const file = scenarioFiles(dir).find((f) => loadFile(f).meta.id === id);
  if (!file) {
    const known = listScenarios(dir).map((s) => s.id);
    throw new HopscopeError('unknown_scenario', `there is no demo scenario "${id}"`, `known scenarios: ${known.join(', ')}`);
  }
  return loadFile(file);
}
