import { writeFileSync } from 'node:fs';
import { stringify } from 'yaml';

// The kubeconfig for the fixture server: one cluster (its URL and generated CA), one token user and one
// context, all named after the context. Overrides build the broken variants tests need.

export interface KubeconfigOptions {
  token?: string;
  contextName?: string;
  server?: string;
}

export interface KubeconfigSource {
  server: string;
  caPem: string;
  token: string;
  contextName: string;
}

export function kubeconfigYaml(source: KubeconfigSource, overrides: KubeconfigOptions = {}): string {
  const context = overrides.contextName ?? source.contextName;
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [
      {
        name: context,
        cluster: {
          server: overrides.server ?? source.server,
          'certificate-authority-data': Buffer.from(source.caPem).toString('base64'),
        },
      },
    ],
    users: [{ name: `${context}-user`, user: { token: overrides.token ?? source.token } }],
    contexts: [{ name: context, context: { cluster: context, user: `${context}-user` } }],
    'current-context': context,
    preferences: {},
  });
}

/** Writes the kubeconfig owner-readable only, as it holds the token; returns `file`. */
export function writeKubeconfig(file: string, source: KubeconfigSource, overrides?: KubeconfigOptions): string {
  writeFileSync(file, kubeconfigYaml(source, overrides), { mode: 0o600 });
  return file;
}
