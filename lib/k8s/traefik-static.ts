import { entryPointFields } from '../model/traefik-entrypoints';
import type { EntryPointSettings, IngressControllerSettings } from '../types';

// Traefik's static configuration as far as a pod spec shows it: every entry point with its own address and client-IP
// settings (docs/domain.md#s6.2, #s6.2.1), from flags or TRAEFIK_* env, and whether a static file takes their place
// (docs/domain.md#s6.2.3).

const isTrue = (value: string | undefined) => value?.trim().toLowerCase() === 'true';
const cidrList = (value: string | undefined | null) =>
  (value ?? '').split(',').map((s) => s.trim()).filter((s) => s !== '');

/** The port of a Traefik address `[host]:port[/tcp|/udp]` (":8000/tcp", "[::]:443"); null when it has none. */
export function entryPointPort(address: string | null): number | null {
  if (!address) return null;
  const hostPort = address.split('/')[0] ?? '';
  const port = Number(hostPort.slice(hostPort.lastIndexOf(':') + 1));
  return hostPort.includes(':') && Number.isInteger(port) && port > 0 && port < 65536 ? port : null;
}

const blank = (name: string): EntryPointSettings => ({
  name,
  address: null,
  port: null,
  forwardedHeadersTrustedIPs: [],
  forwardedHeadersInsecure: false,
  proxyProtocolTrustedIPs: [],
  proxyProtocolInsecure: false,
});

/**
 * Every entry point the flags name: `--entryPoints.<ep>.address`, `.forwardedHeaders.trustedIPs` / `.insecure`,
 * `.proxyProtocol.trustedIPs` / `.insecure`. Flag names are case-insensitive (`--entrypoints…` works too); a bare
 * boolean flag means true.
 */
export function traefikEntryPoints(args: string[]): EntryPointSettings[] {
  const points = new Map<string, EntryPointSettings>();
  for (const arg of args) {
    const m = /^--entrypoints\.([^.=]+)\.(.+?)(?:=(.*))?$/i.exec(arg);
    if (!m) continue;
    const key = m[1]!.toLowerCase();
    const point = points.get(key) ?? blank(m[1]!);
    points.set(key, point);
    const setting = m[2]!.toLowerCase();
    const value = m[3];
    const flag = value === undefined || isTrue(value);
    if (setting === 'address' && value !== undefined) {
      point.address = value.trim();
      point.port = entryPointPort(point.address);
    }
    if (setting === 'asdefault') point.asDefault = flag;
    if (setting === 'forwardedheaders.trustedips') point.forwardedHeadersTrustedIPs = cidrList(value);
    if (setting === 'forwardedheaders.insecure') point.forwardedHeadersInsecure = flag;
    if (setting === 'proxyprotocol.trustedips') point.proxyProtocolTrustedIPs = cidrList(value);
    if (setting === 'proxyprotocol.insecure') point.proxyProtocolInsecure = flag;
  }
  return [...points.values()];
}

const TRAEFIK_ENV =
  /^TRAEFIK_ENTRYPOINTS_([A-Z0-9-]+)_(ADDRESS|ASDEFAULT|FORWARDEDHEADERS_TRUSTEDIPS|FORWARDEDHEADERS_INSECURE|PROXYPROTOCOL_TRUSTEDIPS|PROXYPROTOCOL_INSECURE)$/i;

/** `TRAEFIK_ENTRYPOINTS_WEB_FORWARDEDHEADERS_TRUSTEDIPS=…` and friends, as the equivalent flags. */
function envAsArgs(env: Record<string, string>): string[] {
  return Object.entries(env).flatMap(([name, value]) => {
    const m = TRAEFIK_ENV.exec(name);
    return m ? [`--entrypoints.${m[1]!.toLowerCase()}.${m[2]!.toLowerCase().replace('_', '.')}=${value}`] : [];
  });
}

/** `--configFile=<path>` / `--configFile <path>`; Traefik accepts the flag in either case. */
function configFileFlag(args: string[]): string | null {
  for (let i = 0; i < args.length; i++) {
    const m = /^--configfile(?:=(.*))?$/i.exec(args[i]!);
    if (!m) continue;
    if (m[1] !== undefined) return m[1];
    const next = args[i + 1];
    if (next !== undefined && !next.startsWith('-')) return next;
  }
  return null;
}

/** Where Traefik looks for traefik.{toml,yaml,yml} without --configFile: /etc/traefik, $XDG_CONFIG_HOME, $HOME/.config, the working dir. */
function defaultFileDirs(env: Record<string, string>, workingDir: string | null): string[] {
  return [
    '/etc/traefik',
    ...(env.XDG_CONFIG_HOME ? [env.XDG_CONFIG_HOME] : []),
    ...(env.HOME ? [`${env.HOME.replace(/\/$/, '')}/.config`] : []),
    ...(workingDir ? [workingDir] : []),
  ].map((d) => d.replace(/\/+$/, '') || '/');
}

/**
 * A volume the pod mounts over a default location's traefik.{toml,yaml,yml} (the directory or the file itself): the
 * file Traefik then loads. An image may bake one in too, which a pod spec cannot show.
 */
function mountedDefaultFile(mounts: string[], env: Record<string, string>, workingDir: string | null): string | null {
  for (const dir of defaultFileDirs(env, workingDir)) {
    for (const ext of ['toml', 'yaml', 'yml']) {
      const file = `${dir === '/' ? '' : dir}/traefik.${ext}`;
      const mount = mounts.map((m) => m.replace(/\/+$/, '') || '/').find((m) => m === file || m === dir);
      if (mount) return mount === file ? file : `${dir}/traefik.{toml,yaml,yml}`;
    }
  }
  return null;
}

export interface TraefikPodConfig {
  /** The container's command and args; the first element may be the binary. */
  args: string[];
  /** Literal env values. */
  env?: Record<string, string>;
  /** The container's volumeMounts' mountPaths. */
  mounts?: string[];
  workingDir?: string | null;
}

/**
 * Traefik's static configuration: loaders run file, flags, env, and the first that loads ends it (docs/domain.md#s6.2.3):
 * a file (--configFile, else one at a default location) replaces flags and env; any flag at all replaces env. Without
 * any entry point Traefik opens one, `http` on :80. The top-level fields are those of the default entry point ("web" in
 * every stock install, else the first); `entryPoints` has each one.
 */
export function traefikSettings(config: TraefikPodConfig): IngressControllerSettings {
  const env = config.env ?? {};
  const flags = config.args.filter((a) => a.startsWith('-'));
  const staticFile = configFileFlag(config.args) ?? mountedDefaultFile(config.mounts ?? [], env, config.workingDir ?? null);
  const fromArgs = staticFile ? [] : traefikEntryPoints(flags);
  const fromEnv = staticFile || flags.length > 0 ? [] : traefikEntryPoints(envAsArgs(env));
  const configured = fromArgs.length > 0 ? fromArgs : fromEnv;
  const points = staticFile ? [] : configured.length > 0 ? configured : [{ ...blank('http'), address: ':80', port: 80 }];
  const origin = staticFile
    ? `defaults (static file ${staticFile} not read)`
    : fromArgs.length > 0
      ? 'container args'
      : fromEnv.length > 0
        ? 'container env'
        : 'defaults';
  const point = points.find((p) => p.name.toLowerCase() === 'web') ?? points[0] ?? blank('web');
  return {
    ...entryPointFields(point),
    entryPoints: points,
    staticFile,
    origin,
  };
}
