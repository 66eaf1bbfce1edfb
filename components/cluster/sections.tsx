import type { ReactNode } from 'react';
import { SERVICE_TYPES } from '@/lib/contract/enums';
import type { ClusterInventory, ClusterSource, DiscoveryError, IngressInfo, ServiceInfo } from '@/lib/types';
import { NetText, netString } from '@/components/ui/NetText';

// The cluster overview's sections: plain tables of what discovery found, one data-testid per section and row. Every
// value discovery read from the cluster goes through NetText (names, hosts, addresses, annotations can hold bidi
// controls that would reorder the table).

function Section({ id, title, count, children }: { id: string; title: string; count?: number; children: ReactNode }) {
  return (
    <section data-testid={id} aria-labelledby={`${id}-title`} className="rounded-lg border border-slate-200 bg-white p-4 dark:border-slate-800 dark:bg-slate-900">
      <h2 id={`${id}-title`} className="mb-3 text-base font-semibold">
        {title}
        {count !== undefined && <span className="ml-2 text-sm font-normal text-slate-500">({count})</span>}
      </h2>
      {children}
    </section>
  );
}

function Table({ head, children }: { head: string[]; children: ReactNode }) {
  return (
    <div className="overflow-x-auto">
      <table className="w-full text-left text-sm">
        <thead className="border-b border-slate-200 text-xs uppercase tracking-wide text-slate-500 dark:border-slate-700">
          <tr>
            {head.map((h) => (
              <th key={h} scope="col" className="px-2 py-1.5 font-medium">
                {h}
              </th>
            ))}
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100 dark:divide-slate-800">{children}</tbody>
      </table>
    </div>
  );
}

const cell = 'px-2 py-1.5 align-top';
const mono = 'font-mono text-xs';
const empty = <p className="text-sm text-slate-500">None found.</p>;

export function SourceBanner({ source }: { source: ClusterSource }) {
  if (source.mode === 'demo') {
    return (
      <div data-testid="source-banner" data-mode="demo" role="status" className="rounded-lg border border-amber-300 bg-amber-50 px-4 py-2 text-sm text-amber-900 dark:border-amber-700 dark:bg-amber-950 dark:text-amber-100">
        <strong>demo — simulated</strong> · scenario <NetText value={source.scenario ?? ''} className={mono} />
        {source.fallbackReason && (
          <span>
            {' '}
            · <NetText value={source.fallbackReason} />
          </span>
        )}
      </div>
    );
  }
  return (
    <div data-testid="source-banner" data-mode={source.mode} role="status" className="rounded-lg border border-sky-200 bg-sky-50 px-4 py-2 text-sm text-sky-900 dark:border-sky-800 dark:bg-sky-950 dark:text-sky-100">
      <strong>{source.mode === 'in-cluster' ? 'in-cluster' : 'kubeconfig'}</strong> · context <NetText value={source.context} className={mono} /> ·{' '}
      <NetText value={source.server} className={mono} />
    </div>
  );
}

export function DiscoveryErrors({ errors }: { errors: DiscoveryError[] }) {
  if (errors.length === 0) return null;
  return (
    <div data-testid="discovery-errors" role="alert" className="rounded-lg border border-rose-300 bg-rose-50 px-4 py-3 text-sm text-rose-900 dark:border-rose-800 dark:bg-rose-950 dark:text-rose-100">
      <p className="font-semibold">Some resources could not be read; the overview below is incomplete.</p>
      <ul className="mt-2 space-y-1">
        {errors.map((e) => (
          <li key={`${e.resource}-${e.status}`} data-testid="discovery-error" data-resource={e.resource}>
            <NetText value={e.resource} className={mono} /> — {e.reason}
            {e.status > 0 && ` (HTTP ${e.status})`}: <NetText value={e.message} />
            <div className="text-rose-700 dark:text-rose-300">
              <NetText value={e.hint} />
            </div>
          </li>
        ))}
      </ul>
    </div>
  );
}

export function NodesTable({ inventory }: { inventory: ClusterInventory }) {
  const { nodes, kubeProxy, cni } = inventory;
  return (
    <Section id="nodes" title="Nodes" count={nodes.length}>
      <p className="mb-2 text-sm text-slate-600 dark:text-slate-400">
        kube-proxy mode <strong data-testid="kube-proxy-mode">{kubeProxy.mode}</strong> ({kubeProxy.source}) · CNI{' '}
        <strong>
          <NetText value={cni.name} />
        </strong>
      </p>
      {nodes.length === 0 ? (
        empty
      ) : (
        <Table head={['Name', 'InternalIP', 'ExternalIP', 'Ready', 'Roles', 'LB backend']}>
          {nodes.map((n) => (
            <tr key={n.name} data-testid="node-row" data-node={n.name}>
              <td className={`${cell} font-medium`}>
                <NetText value={n.name} />
              </td>
              <td className={`${cell} ${mono}`}>{n.internalIP ? <NetText value={n.internalIP} /> : '—'}</td>
              <td className={`${cell} ${mono}`}>{n.externalIP ? <NetText value={n.externalIP} /> : '—'}</td>
              <td className={cell}>{n.ready ? 'Ready' : <span className="text-rose-600">NotReady</span>}</td>
              <td className={cell}>{n.roles.length > 0 ? <NetText value={n.roles.join(', ')} /> : '—'}</td>
              <td className={cell}>{n.excludeFromExternalLB ? 'excluded' : 'yes'}</td>
            </tr>
          ))}
        </Table>
      )}
    </Section>
  );
}

export function LoadBalancers({ inventory }: { inventory: ClusterInventory }) {
  const vips = inventory.services.filter((s) => s.type === 'LoadBalancer');
  return (
    <Section id="load-balancers" title="Load balancers" count={inventory.loadBalancers.length}>
      {inventory.loadBalancers.length === 0 ? (
        empty
      ) : (
        <Table head={['Provider', 'Pool', 'Addresses', 'Mode']}>
          {inventory.loadBalancers.flatMap((lb) =>
            lb.pools.map((p) => (
              <tr key={`${lb.provider}-${p.name}`} data-testid="pool-row" data-pool={p.name}>
                <td className={cell}>
                  <NetText value={lb.name ? `${lb.provider} (${lb.name})` : lb.provider} />
                </td>
                <td className={cell}>
                  <NetText value={p.name} />
                </td>
                <td className={`${cell} ${mono}`}>{p.addresses.length > 0 ? <NetText value={p.addresses.join(', ')} /> : '—'}</td>
                <td className={cell}>
                  {p.mode}
                  {p.origin === 'configmap' && ' · legacy ConfigMap'}
                </td>
              </tr>
            )),
          )}
        </Table>
      )}
      {vips.length > 0 && (
        <div className="mt-4">
          <h3 className="mb-2 text-sm font-semibold">Load-balancer addresses</h3>
          <Table head={['Service', 'Address', 'Provider', 'Announced by']}>
            {vips.map((s) => (
              <tr key={`${s.namespace}/${s.name}`} data-testid="vip-row" data-service={`${s.namespace}/${s.name}`}>
                <td className={cell}>
                  <NetText value={`${s.namespace}/${s.name}`} />
                </td>
                <td className={`${cell} ${mono}`}>
                  <NetText value={[...s.loadBalancerIPs, ...s.loadBalancerIngress.flatMap((i) => (i.hostname ? [i.hostname] : []))].join(', ') || 'pending'} />
                </td>
                <td className={cell}>
                  <NetText value={`${s.loadBalancerProvider}${s.loadBalancerPool ? ` · ${s.loadBalancerPool}` : ''}`} />
                </td>
                <td className={cell} data-testid="announcing-node">
                  <NetText value={s.announcingNode ?? (s.announcingNodes.join(', ') || '—')} />
                </td>
              </tr>
            ))}
          </Table>
        </div>
      )}
    </Section>
  );
}


function ports(s: ServiceInfo) {
  return s.ports.map((p) => `${p.port}${p.nodePort ? `:${p.nodePort}` : ''}/${p.protocol}`).join(', ');
}

export function Services({ services }: { services: ServiceInfo[] }) {
  return (
    <Section id="services" title="Services" count={services.length}>
      {services.length === 0
        ? empty
        : SERVICE_TYPES.map((type) => {
            const ofType = services.filter((s) => s.type === type);
            if (ofType.length === 0) return null;
            return (
              <div key={type} className="mb-4 last:mb-0" data-testid={`services-${type}`}>
                <h3 className="mb-2 text-sm font-semibold">
                  {type} <span className="font-normal text-slate-500">({ofType.length})</span>
                </h3>
                <Table head={['Service', 'ClusterIP', 'Ports', 'External policy', 'Health check', 'Endpoints (node)']}>
                  {ofType.map((s) => (
                    <tr key={`${s.namespace}/${s.name}`} data-testid="service-row" data-service={`${s.namespace}/${s.name}`}>
                      <td className={cell}>
                        <NetText value={s.namespace} />/<NetText value={s.name} className="font-medium" />
                      </td>
                      <td className={`${cell} ${mono}`}>{s.clusterIP ? <NetText value={s.clusterIP} /> : 'None'}</td>
                      <td className={`${cell} ${mono}`}>{ports(s)}</td>
                      <td className={cell}>{s.externalTrafficPolicy ? <NetText value={s.externalTrafficPolicy} /> : '—'}</td>
                      <td className={`${cell} ${mono}`}>{s.healthCheckNodePort ?? '—'}</td>
                      <td className={`${cell} ${mono}`}>
                        {s.endpoints.length === 0 ? (
                          'none'
                        ) : (
                          <NetText value={s.endpoints.map((e) => `${e.ip} (${e.nodeName ?? '?'})${e.ready ? '' : ' not ready'}`).join(', ')} />
                        )}
                      </td>
                    </tr>
                  ))}
                </Table>
              </div>
            );
          })}
    </Section>
  );
}

function controllerSettings(ingress: IngressInfo) {
  const s = ingress.controller?.settings;
  if (!s) return '—';
  const parts = [
    s.useProxyProtocol ? 'PROXY protocol' : null,
    s.useForwardedHeaders ? `trusts forwarded headers from ${s.trustedCIDRs.join(', ') || 'nobody'}` : 'ignores forwarded headers',
    s.computeFullForwardedFor && s.useForwardedHeaders ? 'appends to X-Forwarded-For' : null,
  ];
  return parts.filter(Boolean).join(' · ');
}

export function Ingresses({ ingresses }: { ingresses: IngressInfo[] }) {
  return (
    <Section id="ingresses" title="Ingresses" count={ingresses.length}>
      {ingresses.length === 0 ? (
        empty
      ) : (
        <Table head={['Ingress', 'Hosts', 'Class', 'Controller', 'Client-IP settings', 'Addresses']}>
          {ingresses.map((i) => (
            <tr key={`${i.namespace}/${i.name}`} data-testid="ingress-row" data-ingress={`${i.namespace}/${i.name}`}>
              <td className={cell}>
                <NetText value={i.namespace} />/<NetText value={i.name} className="font-medium" />
              </td>
              <td className={cell}>
                <NetText value={i.hosts.join(', ') || '*'} />
                {i.tls && ' 🔒'}
              </td>
              <td className={cell}>{i.className ? <NetText value={i.className} /> : '—'}</td>
              <td className={cell} data-testid="controller-kind">
                <NetText value={i.controller ? `${i.controller.kind} (${i.controller.namespace}/${i.controller.service ?? 'no Service'})` : 'none'} />
              </td>
              <td className={cell} title={i.controller ? netString(i.controller.settings.origin) : undefined}>
                <NetText value={controllerSettings(i)} />
              </td>
              <td className={`${cell} ${mono}`}>{i.addresses.length > 0 ? <NetText value={i.addresses.join(', ')} /> : '—'}</td>
            </tr>
          ))}
        </Table>
      )}
    </Section>
  );
}

export function ClusterUnavailable({ code, message, hint }: { code: string; message: string; hint: string | null }) {
  return (
    <div data-testid="cluster-error" data-code={code} role="alert" className="rounded-lg border border-rose-300 bg-rose-50 p-6 text-rose-900 dark:border-rose-800 dark:bg-rose-950 dark:text-rose-100">
      <h2 className="text-lg font-semibold">The cluster could not be read</h2>
      <p className="mt-2">
        <NetText value={message} />
      </p>
      {hint && (
        <p className="mt-2 text-sm">
          <NetText value={hint} />
        </p>
      )}
      <p className="mt-4 text-sm">
        Pick another context or a demo scenario above, or{' '}
        <a className="underline" href="/cluster?scenario=bare-metal-metallb">
          explore a demo
        </a>
        .
      </p>
    </div>
  );
}
