import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it, vi } from 'vitest';
import { NetText, hasBidiControls, netString, netTextParts } from '@/components/ui/NetText';

// The helper every view (dashboard, cluster page, snapshot page) renders network-supplied values with.

const render = (value: string) => renderToStaticMarkup(createElement(NetText, { value }));
const ALL_CONTROLS = ['\u202A', '\u202B', '\u202C', '\u202D', '\u202E', '\u2066', '\u2067', '\u2068', '\u2069', '\u200E', '\u200F', '\u061C'];

describe('NetText', () => {
  it('isolates a plain value and leaves its text as it is', () => {
    expect(render('ingress-nginx/ingress-nginx-controller')).toBe('<bdi dir="auto">ingress-nginx/ingress-nginx-controller</bdi>');
    expect(render('203.0.113.7')).toBe('<bdi dir="auto">203.0.113.7</bdi>');
  });

  it('keeps right-to-left letters, isolated', () => {
    expect(render('שלום.example')).toBe('<bdi dir="auto">שלום.example</bdi>');
  });

  it('shows a right-to-left override instead of applying it', () => {
    // "exe.txt" spelled backwards behind an RLO would read "txt.exe".
    const html = render('invoice\u202Etxt.exe');
    expect(html).not.toContain('\u202E');
    expect(html).toBe(
      '<bdi dir="auto">invoice<span data-bidi-control="U+202E" title="Unicode bidi control U+202E (RLO), shown instead of applied" class="mx-px rounded-sm bg-red-100 px-0.5 font-mono text-[0.8em] font-bold text-red-800 dark:bg-red-950 dark:text-red-200">[RLO]</span>txt.exe</bdi>',
    );
  });

  it.each(ALL_CONTROLS.map((c) => [`U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`, c]))('neutralises %s', (code, control) => {
    const html = render(`a${control}b${control}`);
    expect(html).not.toContain(control);
    expect(html.split(`data-bidi-control="${code}"`)).toHaveLength(3);
  });

  it('escapes markup in values like any React text', () => {
    expect(render('<img src=x onerror=alert(1)>')).toBe('<bdi dir="auto">&lt;img src=x onerror=alert(1)&gt;</bdi>');
  });

  it('passes a class name through', () => {
    expect(renderToStaticMarkup(createElement(NetText, { value: 'x', className: 'font-mono' }))).toBe('<bdi dir="auto" class="font-mono">x</bdi>');
  });
});

describe('netString and netTextParts', () => {
  it('marks every control visibly in plain strings (titles, labels, text to copy)', () => {
    expect(netString('svc\u202Eabc\u2066x\u2069')).toBe('svc[RLO]abc[LRI]x[PDI]');
    expect(netString('plain')).toBe('plain');
    for (const control of ALL_CONTROLS) expect(hasBidiControls(netString(`x${control}`))).toBe(false);
  });

  it('cuts a value into text and controls', () => {
    expect(netTextParts('\u200Fab\u202Ec')).toEqual([
      { control: '\u200F', code: 'U+200F', name: 'RLM' },
      { text: 'ab' },
      { control: '\u202E', code: 'U+202E', name: 'RLO' },
      { text: 'c' },
    ]);
    expect(netTextParts('')).toEqual([]);
  });
});

// ───────────────────────────── the views use it ─────────────────────────────

describe('views render network values through NetText', async () => {
  const { sampleSnapshot } = await import('@/test/support/samples');
  const { buildHopGraph } = await import('@/lib/graph/elements');
  const { EMPTY_FILTER } = await import('@/lib/model/filter');
  const { Evidence } = await import('@/components/details/Evidence');
  const { FindingCard } = await import('@/components/details/FindingCard');
  const { DetailsPanel } = await import('@/components/details/DetailsPanel');
  const { Address } = await import('@/components/graph/Address');
  const { PathHeader } = await import('@/components/dashboard/PathHeader');
  const { EntryPicker } = await import('@/components/dashboard/EntryPicker');
  const sections = await import('@/components/cluster/sections');
  const { SourceBar } = await import('@/components/dashboard/SourceBar');
  const { ErrorBanner } = await import('@/components/dashboard/ErrorBanner');
  const { PathsStatus } = await import('@/components/dashboard/PathsStatus');
  const { PreviewBanner } = await import('@/components/dashboard/PreviewBanner');
  const { MissingPathNotice } = await import('@/components/dashboard/MissingPathNotice');
  const { SourcePicker } = await import('@/components/ui/SourcePicker');

  // Every name, host, address and header value the sample holds, with a right-to-left override inside it.
  const RLO = '\u202E';
  const hostile = JSON.parse(
    JSON.stringify(sampleSnapshot())
      .replaceAll('ingress-nginx', `ingress${RLO}-nginx`)
      .replaceAll('hopscope-echo', `hopscope${RLO}-echo`)
      .replaceAll('echo.example.com', `echo${RLO}.example.com`)
      .replaceAll('wk-a', `wk${RLO}-a`)
      .replaceAll('203.0.113.7', `203.0.113.7${RLO}`)
      .replaceAll('connection refused', `connection${RLO} refused`),
  ) as ReturnType<typeof sampleSnapshot>;
  const path = hostile.paths.find((p) => p.id === hostile.entry)!;
  const trace = hostile.trace!.paths.find((p) => p.pathId === path.id)!;
  const graph = buildHopGraph(path, trace);
  const noop = () => undefined;

  const views: [string, () => ReturnType<typeof createElement>][] = [
    ['Evidence', () => createElement(Evidence, { probes: trace.probes, simulated: false })],
    ['FindingCard', () => createElement(FindingCard, { finding: { ...path.findings[0]!, message: `see ${RLO}x`, fix: `kubectl ${RLO}x`, tradeOff: `t${RLO}` }, activeWhatIf: null, onPreview: noop })],
    ['DetailsPanel', () => createElement(DetailsPanel, { node: graph.nodes.find((n) => n.type === 'hop' && n.data.hop.kind === 'ingressController')!, path, trace, probes: trace.probes, simulated: false, activeWhatIf: null, onPreview: noop, onClose: noop })],
    ['Address', () => createElement(Address, { value: `10.0.0.1${RLO}`, field: 'x' })],
    ['PathHeader', () => createElement(PathHeader, { path, trace, pathFindings: path.findings, activeWhatIf: null, onPreview: noop })],
    ['EntryPicker', () => createElement(EntryPicker, { paths: hostile.paths, selectedId: path.id, filter: EMPTY_FILTER, traces: {}, onFilterChange: noop, onSelect: noop })],
    ['SourceBanner', () => createElement(sections.SourceBanner, { source: { ...hostile.inventory.source, context: `ctx${RLO}` } })],
    ['DiscoveryErrors', () => createElement(sections.DiscoveryErrors, { errors: hostile.inventory.errors })],
    ['NodesTable', () => createElement(sections.NodesTable, { inventory: hostile.inventory })],
    ['LoadBalancers', () => createElement(sections.LoadBalancers, { inventory: hostile.inventory })],
    ['Services', () => createElement(sections.Services, { services: hostile.inventory.services })],
    ['Ingresses', () => createElement(sections.Ingresses, { ingresses: hostile.inventory.ingresses })],
    ['ClusterUnavailable', () => createElement(sections.ClusterUnavailable, { code: 'x', message: `m${RLO}`, hint: `h${RLO}` })],
    ['SourceBar (a cluster)', () => createElement(SourceBar, { source: { ...hostile.inventory.source, mode: 'kubeconfig', context: `ctx${RLO}`, server: `https://api${RLO}.example:6443` } })],
    ['SourceBar (demo)', () => createElement(SourceBar, { source: { ...hostile.inventory.source, mode: 'demo', fallbackReason: `cannot reach api${RLO}.example` } })],
    ['ErrorBanner', () => createElement(ErrorBanner, { errors: [{ resource: `ipaddress${RLO}pools.metallb.io`, status: 403, message: `forbidden${RLO}: user`, hint: `grant list on x${RLO}`, reason: 'forbidden' }] })],
    ['PathsStatus', () => createElement(PathsStatus, { paths: { status: 'failed', message: `cluster${RLO} unreachable` } })],
    ['PreviewBanner', () => createElement(PreviewBanner, { whatIf: `svc:shop/web${RLO}.externalTrafficPolicy=Local`, preview: { status: 'failed', message: `no Service web${RLO}` }, onClose: noop })],
    ['MissingPathNotice', () => createElement(MissingPathNotice, { pathId: `ingress/shop/web${RLO}`, showingAnother: true })],
  ];

  it.each(views)('%s shows the overrides instead of applying them', (_name, view) => {
    const html = renderToStaticMarkup(view());
    expect(html).toContain('data-bidi-control="U+202E"');
    // Machine-read attributes (data-*, form values) keep the value as it is; nothing a person sees does.
    const shown = html.replace(/ (?:data-[a-z-]+|value)="[^"]*"/g, '');
    expect(shown).not.toContain(RLO);
  });

  // An <option> takes text only, so the pickers show the controls as text (netString) rather than through a <bdi>.
  it.each([
    ['contexts', { contexts: { mode: 'kubeconfig' as const, current: `prod${RLO}`, contexts: [{ name: `prod${RLO}`, cluster: 'c', server: `https://api${RLO}.example` }, { name: 'dev', cluster: 'd', server: 'https://dev' }] }, context: null, scenarios: [], scenario: null }],
    ['a scenario from a link', { contexts: null, context: null, scenarios: [{ id: 'lab', title: 'Lab' }], scenario: `lab${RLO}` }],
  ])('SourcePicker shows the overrides in %s instead of applying them', (_name, props) => {
    const html = renderToStaticMarkup(createElement(SourcePicker, { ...props, onPick: noop }));
    expect(html).toContain('[RLO]');
    expect(html.replace(/ value="[^"]*"/g, '')).not.toContain(RLO);
  });

  it('the snapshot page title isolates the context and shows its overrides', async () => {
    vi.doMock('@/lib/snapshot/service', () => ({ findSnapshot: async () => ({ ...hostile, context: `prod${RLO}-eu` }) }));
    try {
      const { generateMetadata } = await import('@/app/s/[id]/page');
      const metadata = await generateMetadata({ params: Promise.resolve({ id: hostile.id }), searchParams: Promise.resolve({}) });
      expect(metadata.title).toBe('hopscope snapshot of \u2068prod[RLO]-eu\u2069');
    } finally {
      vi.doUnmock('@/lib/snapshot/service');
    }
  });
});
