// Traefik's static configuration as a pod spec shows it: every entry point with its own address and settings
// (docs/domain.md#s6.2.1, #src-S50), and the one source Traefik reads (docs/domain.md#s6.2.3, #src-S52).
import type { V1Pod } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { findIngressControllers } from './ingress';
import { entryPointPort, traefikEntryPoints, traefikSettings } from './traefik-static';

describe('entry point addresses [host]:port[/tcp|/udp] (docs/domain.md#s6.2.1, #src-S50)', () => {
  it.each([
    [':8000/tcp', 8000],
    [':443', 443],
    ['0.0.0.0:8443/tcp', 8443],
    ['[::]:9000/udp', 9000],
    ['8000', null],
    [':http', null],
    [null, null],
  ])('%j → %j', (address, port) => {
    expect(entryPointPort(address)).toBe(port);
  });
});

describe('every entry point from flags, each with its own settings (docs/domain.md#s6.2.1, #src-S50; chart flags #src-S51)', () => {
  it.each([
    [
      'k3s / Helm chart: web and websecure with their addresses',
      ['--entryPoints.web.address=:8000/tcp', '--entryPoints.websecure.address=:8443/tcp'],
      [
        { name: 'web', address: ':8000/tcp', port: 8000, forwardedHeadersTrustedIPs: [], proxyProtocolTrustedIPs: [] },
        { name: 'websecure', address: ':8443/tcp', port: 8443, forwardedHeadersTrustedIPs: [], proxyProtocolTrustedIPs: [] },
      ],
    ],
    [
      'trust on web only stays on web',
      ['--entryPoints.web.address=:8000/tcp', '--entryPoints.web.proxyProtocol.trustedIPs=192.0.2.0/24', '--entryPoints.websecure.address=:8443/tcp'],
      [
        { name: 'web', proxyProtocolTrustedIPs: ['192.0.2.0/24'] },
        { name: 'websecure', proxyProtocolTrustedIPs: [], proxyProtocolInsecure: false },
      ],
    ],
    [
      'lower-case --entrypoints, bare and explicit booleans',
      ['--entrypoints.websecure.address=:8443', '--entrypoints.websecure.forwardedheaders.insecure', '--entrypoints.websecure.proxyprotocol.insecure=false', '--entrypoints.websecure.asdefault=true'],
      [{ name: 'websecure', port: 8443, forwardedHeadersInsecure: true, proxyProtocolInsecure: false, asDefault: true }],
    ],
    [
      'a list split on commas, blanks dropped',
      ['--entryPoints.web.forwardedHeaders.trustedIPs=127.0.0.1/32, 192.0.2.7,'],
      [{ name: 'web', address: null, port: null, forwardedHeadersTrustedIPs: ['127.0.0.1/32', '192.0.2.7'] }],
    ],
  ])('%s', (_label, args, expected) => {
    expect(traefikEntryPoints(args)).toMatchObject(expected);
  });
});

describe('the default entry point in the top-level fields (docs/domain.md#s6.2.1)', () => {
  it.each([
    ['no client-IP flags', ['--entryPoints.web.address=:8000/tcp'], { useForwardedHeaders: false, useProxyProtocol: false, trustedCIDRs: [], entryPoint: 'web' }],
    [
      'trusted IPs on web',
      ['--entryPoints.web.forwardedHeaders.trustedIPs=127.0.0.1/32,192.0.2.7', '--entryPoints.web.proxyProtocol.trustedIPs=192.0.2.0/24'],
      { useForwardedHeaders: true, useProxyProtocol: true, trustedCIDRs: ['127.0.0.1/32', '192.0.2.7'], proxyProtocolTrustedCIDRs: ['192.0.2.0/24'] },
    ],
    ['insecure=false', ['--entryPoints.web.forwardedHeaders.insecure=false'], { useForwardedHeaders: false, forwardedHeadersInsecure: false }],
    [
      'web is the default even when websecure comes first',
      ['--entryPoints.websecure.forwardedHeaders.insecure', '--entryPoints.web.address=:80'],
      { entryPoint: 'web', useForwardedHeaders: false },
    ],
    [
      'no entry point configured: Traefik opens http on :80',
      ['--providers.kubernetesingress'],
      { entryPoint: 'http', entryPoints: [{ name: 'http', address: ':80', port: 80 }], origin: 'defaults', staticFile: null },
    ],
  ])('%s', (_label, args, expected) => {
    expect(traefikSettings({ args })).toMatchObject(expected);
  });
});

describe('one static source: file, else flags, else env (docs/domain.md#s6.2.3, #src-S52)', () => {
  const env = {
    TRAEFIK_ENTRYPOINTS_WEB_ADDRESS: ':8000',
    TRAEFIK_ENTRYPOINTS_WEB_FORWARDEDHEADERS_TRUSTEDIPS: '198.51.100.10/32, 198.51.100.11/32',
    TRAEFIK_ENTRYPOINTS_WEB_PROXYPROTOCOL_INSECURE: 'true',
    TRAEFIK_ENTRYPOINTS_WEBSECURE_ADDRESS: ':8443',
    TRAEFIK_LOG_LEVEL: 'DEBUG',
  };

  it.each([
    [
      'env, when Traefik gets no flag at all (the command alone)',
      { args: ['traefik'], env },
      {
        entryPoint: 'web',
        trustedCIDRs: ['198.51.100.10/32', '198.51.100.11/32'],
        proxyProtocolInsecure: true,
        entryPoints: [{ name: 'web', port: 8000 }, { name: 'websecure', port: 8443, forwardedHeadersTrustedIPs: [] }],
        origin: 'container env',
      },
    ],
    [
      'env ignored once there is any flag, even one about something else (the flag loader is done)',
      { args: ['traefik', '--providers.kubernetesingress'], env },
      { useForwardedHeaders: false, useProxyProtocol: false, entryPoint: 'http', origin: 'defaults' },
    ],
    ['flags win over env', { args: ['--entryPoints.web.address=:8000/tcp'], env }, { useForwardedHeaders: false, useProxyProtocol: false, origin: 'container args' }],
    [
      '--configFile: neither flags nor env are read, and the file is named',
      { args: ['--configFile=/config/traefik.yaml', '--entryPoints.web.forwardedHeaders.insecure=true'], env },
      { useForwardedHeaders: false, forwardedHeadersInsecure: false, entryPoints: [], staticFile: '/config/traefik.yaml', origin: 'defaults (static file /config/traefik.yaml not read)' },
    ],
    ['--configfile <path>, lower case and spaced', { args: ['--configfile', '/cfg/t.toml'] }, { staticFile: '/cfg/t.toml', entryPoints: [] }],
    [
      'a volume over /etc/traefik: the default-location file replaces the flags',
      { args: ['--entryPoints.web.address=:8000/tcp'], mounts: ['/etc/traefik'] },
      { staticFile: '/etc/traefik/traefik.{toml,yaml,yml}', entryPoints: [] },
    ],
    ['a file mounted at $HOME/.config/traefik.yml', { args: [], env: { HOME: '/home/traefik' }, mounts: ['/home/traefik/.config/traefik.yml'] }, { staticFile: '/home/traefik/.config/traefik.yml' }],
    ['a file in the working directory', { args: [], workingDir: '/srv', mounts: ['/srv/traefik.toml'] }, { staticFile: '/srv/traefik.toml' }],
    [
      'other mounts are no static file',
      { args: ['--entryPoints.web.address=:8000/tcp'], mounts: ['/data', '/tmp', '/etc/traefik-certs'] },
      { staticFile: null, origin: 'container args' },
    ],
  ])('%s', (_label, config, expected) => {
    expect(traefikSettings(config)).toMatchObject(expected);
  });
});

describe('discovery reads the Traefik container of the controller pod', () => {
  const pod = (container: Partial<NonNullable<V1Pod['spec']>['containers'][number]>): V1Pod => ({
    metadata: { name: 'traefik-5d9f7b6c4-abcde', namespace: 'kube-system', labels: { 'app.kubernetes.io/name': 'traefik' } },
    spec: { containers: [{ name: 'traefik', image: 'rancher/mirrored-library-traefik:3.3.6', ...container }] },
    status: { phase: 'Running' },
  });

  it.each([
    [
      'literal env values only (valueFrom is out of sight)',
      pod({
        command: ['traefik'],
        env: [
          { name: 'TRAEFIK_ENTRYPOINTS_WEB_FORWARDEDHEADERS_TRUSTEDIPS', value: '10.42.0.0/16' },
          { name: 'TRAEFIK_ENTRYPOINTS_WEB_PROXYPROTOCOL_TRUSTEDIPS', valueFrom: { configMapKeyRef: { name: 'x', key: 'y' } } },
        ],
      }),
      { settings: { trustedCIDRs: ['10.42.0.0/16'], useProxyProtocol: false, origin: 'container env' } },
    ],
    [
      'container ports, for the Service targetPort',
      pod({ args: ['--entryPoints.web.address=:8000/tcp'], ports: [{ name: 'web', containerPort: 8000 }, { name: 'websecure', containerPort: 8443, protocol: 'TCP' }] }),
      { containerPorts: [{ name: 'web', containerPort: 8000, protocol: 'TCP' }, { name: 'websecure', containerPort: 8443, protocol: 'TCP' }] },
    ],
    [
      'a ConfigMap mounted at /etc/traefik/traefik.yml',
      pod({ args: ['--entryPoints.web.address=:8000/tcp'], volumeMounts: [{ name: 'config', mountPath: '/etc/traefik/traefik.yml', subPath: 'traefik.yml' }] }),
      { settings: { staticFile: '/etc/traefik/traefik.yml', entryPoints: [] } },
    ],
  ])('%s', (_label, p, expected) => {
    const [controller] = findIngressControllers([p], [], [], new Map());
    expect(controller!.info).toMatchObject(expected);
  });
});
