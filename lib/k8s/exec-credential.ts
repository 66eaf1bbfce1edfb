import 'server-only';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import type { KubeConfig, User } from '@kubernetes/client-node';
import { processState } from '@/lib/process-state';

// kubeconfig exec credential plugins (users[].user.exec, client.authentication.k8s.io), run bounded. client-node's
// own ExecAuth spawns the plugin with no time limit and keeps its token only inside one KubeConfig, and hopscope
// loads a KubeConfig per request: every request started a plugin, and one that hung stayed forever. Here a plugin
// runs without stdin, in its own process group, at most `timeoutMs` (then the whole group is killed); concurrent
// requests share one run, and the credential is kept until its expirationTimestamp (or REUSE_WITHOUT_EXPIRY_MS).
//
// client-node takes the first of its built-in authenticators that claims a user, and only then the added ones, so
// each exec user is handed over to this module under an auth-provider name no built-in one claims (handOverExec).

type Authenticator = Parameters<KubeConfig['addAuthenticator']>[0];
type AuthOptions = Parameters<Authenticator['applyAuthentication']>[1] & { headers?: Record<string, unknown>; cert?: unknown; key?: unknown };

/** What a kubeconfig's `exec` holds. */
export interface ExecSpec {
  command: string;
  args?: string[];
  env?: { name: string; value: string }[] | null;
  apiVersion?: string;
  installHint?: string;
}

/** The ExecCredential status a plugin prints on stdout. */
export interface ExecCredentialStatus {
  token?: string;
  clientCertificateData?: string;
  clientKeyData?: string;
  expirationTimestamp?: string;
}

/** A credential without expiry is still run again after this long, so a rotated one is picked up. */
export const REUSE_WITHOUT_EXPIRY_MS = 5 * 60_000;
/** A credential is refreshed this long before it expires. */
const EXPIRY_MARGIN_MS = 10_000;
/** Largest stdout (or stderr) a plugin may print; more is a failure. */
export const MAX_PLUGIN_OUTPUT_BYTES = 1024 * 1024;
/** After SIGTERM, the plugin's process group gets this long before SIGKILL. */
const KILL_GRACE_MS = 1_000;
/** At most this many credentials are kept (one per kubeconfig user in practice). */
const MAX_CACHED = 64;

/** A plugin that failed, hung or printed no credential; the message never holds the credential. */
export class ExecCredentialError extends Error {
  constructor(
    readonly command: string,
    message: string,
    readonly timedOut = false,
  ) {
    super(message);
    this.name = 'ExecCredentialError';
  }
}

interface Cached {
  status: ExecCredentialStatus;
  reuseUntil: number;
}

const credentials = processState('exec-credentials', () => new Map<string, Cached>());
const running = processState('exec-credentials-running', () => new Map<string, Promise<ExecCredentialStatus>>());

const keyOf = (userName: string, spec: ExecSpec) => createHash('sha256').update(JSON.stringify([userName, spec])).digest('hex');

function reuseUntil(status: ExecCredentialStatus, now: number): number {
  const expiry = status.expirationTimestamp ? Date.parse(status.expirationTimestamp) : NaN;
  return Number.isFinite(expiry) ? Math.min(expiry - EXPIRY_MARGIN_MS, now + REUSE_WITHOUT_EXPIRY_MS) : now + REUSE_WITHOUT_EXPIRY_MS;
}

/** The user's credential: cached while valid, else from one (shared) bounded run of its plugin. */
export function execCredential(userName: string, spec: ExecSpec, timeoutMs: number): Promise<ExecCredentialStatus> {
  const key = keyOf(userName, spec);
  const cached = credentials.get(key);
  if (cached && cached.reuseUntil > Date.now()) return Promise.resolve(cached.status);
  let run = running.get(key);
  if (!run) {
    run = runPlugin(spec, timeoutMs)
      .then((status) => {
        credentials.delete(key);
        credentials.set(key, { status, reuseUntil: reuseUntil(status, Date.now()) });
        while (credentials.size > MAX_CACHED) credentials.delete(credentials.keys().next().value!);
        return status;
      })
      .finally(() => running.delete(key));
    running.set(key, run);
  }
  return run;
}

/** Drops the cached credential of the kubeconfig's current user (the apiserver rejected it). */
export function forgetExecCredential(kubeConfig: KubeConfig) {
  const spec = handedOverSpec(kubeConfig.getCurrentUser());
  if (spec) credentials.delete(keyOf(kubeConfig.getCurrentUser()!.name, spec));
}

/** Runs the plugin once: no stdin, its own process group, killed with everything it started past `timeoutMs`. */
export function runPlugin(spec: ExecSpec, timeoutMs: number): Promise<ExecCredentialStatus> {
  if (!spec.command) return Promise.reject(new ExecCredentialError('', 'the exec credential plugin names no command'));
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const { name, value } of spec.env ?? []) env[name] = value;
  // What kubectl tells a plugin: it cannot ask anyone anything.
  env.KUBERNETES_EXEC_INFO = JSON.stringify({
    kind: 'ExecCredential',
    apiVersion: spec.apiVersion ?? 'client.authentication.k8s.io/v1',
    spec: { interactive: false },
  });
  const groupKill = process.platform !== 'win32';
  return new Promise((resolve, reject) => {
    const child = spawn(spec.command, spec.args ?? [], { env, stdio: ['ignore', 'pipe', 'pipe'], detached: groupKill });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let outBytes = 0;
    let errBytes = 0;
    let settled = false;
    const finish = (error: ExecCredentialError | null, status?: ExecCredentialStatus) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (error) reject(error);
      else resolve(status!);
    };
    const kill = () => {
      const signal = (name: NodeJS.Signals) => {
        try {
          if (groupKill && child.pid) process.kill(-child.pid, name);
          else child.kill(name);
        } catch {
          // Already gone.
        }
      };
      signal('SIGTERM');
      // Whatever the plugin started is in its group too: after the grace period nothing of it is left.
      setTimeout(() => signal('SIGKILL'), KILL_GRACE_MS).unref();
    };
    const timer = setTimeout(() => {
      kill();
      finish(
        new ExecCredentialError(
          spec.command,
          `the exec credential plugin "${spec.command}" did not answer within ${timeoutMs} ms and was stopped`,
          true,
        ),
      );
    }, timeoutMs);
    child.stdout.on('data', (chunk: Buffer) => {
      outBytes += chunk.length;
      if (outBytes > MAX_PLUGIN_OUTPUT_BYTES) {
        kill();
        finish(new ExecCredentialError(spec.command, `the exec credential plugin "${spec.command}" printed more than ${MAX_PLUGIN_OUTPUT_BYTES} bytes`));
      } else out.push(chunk);
    });
    child.stderr.on('data', (chunk: Buffer) => {
      errBytes += chunk.length;
      if (errBytes <= 4096) err.push(chunk);
    });
    child.on('error', (error) => {
      kill();
      const hint = spec.installHint ? `: ${spec.installHint}` : '';
      finish(new ExecCredentialError(spec.command, `the exec credential plugin "${spec.command}" could not be started (${error.message})${hint}`));
    });
    child.on('close', (code, signal) => {
      if (code !== 0) {
        const stderr = Buffer.concat(err).toString('utf8').trim().slice(0, 500);
        const how = code === null ? `was ended by ${signal}` : `exited with ${code}`;
        return finish(new ExecCredentialError(spec.command, `the exec credential plugin "${spec.command}" ${how}${stderr ? `: ${stderr}` : ''}`));
      }
      let status: ExecCredentialStatus | undefined;
      try {
        status = (JSON.parse(Buffer.concat(out).toString('utf8')) as { status?: ExecCredentialStatus }).status;
      } catch {
        // Reported below.
      }
      if (!status || (!status.token && !status.clientCertificateData)) {
        return finish(new ExecCredentialError(spec.command, `the exec credential plugin "${spec.command}" printed no ExecCredential with a token or certificate`));
      }
      finish(null, status);
    });
  });
}

/** The auth-provider name exec users are handed over under: no built-in authenticator of client-node claims it. */
const HANDED_OVER = 'hopscope-bounded-exec';

function handedOverSpec(user: User | null): ExecSpec | null {
  const provider = user?.authProvider as { name?: string; config?: { spec?: ExecSpec } } | undefined;
  return provider?.name === HANDED_OVER ? (provider.config?.spec ?? null) : null;
}

/** The exec spec client-node's ExecAuth would run for this user, or null (no exec; or Azure/GCP, which it never reaches). */
function execSpecOf(user: User): ExecSpec | null {
  const provider = user.authProvider as { name?: string; config?: { exec?: ExecSpec } } | null | undefined;
  if (provider?.name === 'azure' || provider?.name === 'gcp') return null;
  return (user.exec as ExecSpec | null | undefined) ?? provider?.config?.exec ?? null;
}

/**
 * Hands every exec user of `kubeConfig` over to the bounded runner: the user keeps its name, token and certificate
 * fields, its exec moves under an auth-provider of ours, and our authenticator applies the credential the way
 * client-node's ExecAuth does (Bearer token, client certificate; a static token of the user still wins).
 */
export function handOverExec(kubeConfig: KubeConfig, timeoutMs: () => number) {
  const users = kubeConfig.getUsers();
  if (!users.some((u) => execSpecOf(u))) return;
  const handed = users.map((user): User => {
    const spec = execSpecOf(user);
    return spec ? { ...user, exec: undefined, authProvider: { name: HANDED_OVER, config: { spec } } } : user;
  });
  kubeConfig.loadFromOptions({
    clusters: kubeConfig.getClusters(),
    contexts: kubeConfig.getContexts(),
    users: handed,
    currentContext: kubeConfig.getCurrentContext(),
  });
  const authenticator: Authenticator = {
    isAuthProvider: (user) => handedOverSpec(user) !== null,
    applyAuthentication: async (user, options) => {
      const opts = options as AuthOptions;
      const status = await execCredential(user.name, handedOverSpec(user)!, timeoutMs());
      if (status.clientCertificateData) opts.cert = status.clientCertificateData;
      if (status.clientKeyData) opts.key = status.clientKeyData;
      if (status.token) opts.headers = { ...opts.headers, Authorization: `Bearer ${status.token}` };
    },
  };
  kubeConfig.addAuthenticator(authenticator);
}
