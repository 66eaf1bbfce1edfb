import type { HopKind } from '@/lib/types';
import type { LoadBalancerFlavour } from '@/lib/graph/elements';

// Small stroke icons drawn inline: no icon font or emoji font needed, and they survive image export.
const PATHS: Record<HopKind | LoadBalancerFlavour, string> = {
  client: 'M3 4h18v12H3z M8 20h8 M12 16v4',
  loadBalancer: 'M12 3v6 M12 9l-7 6 M12 9l7 6 M12 9v6 M3 17h4v4H3z M10 17h4v4h-4z M17 17h4v4h-4z',
  node: 'M3 4h18v6H3z M3 14h18v6H3z M7 7h.01 M7 17h.01',
  ingressController: 'M4 21V4h12v17 M16 6l4 1v14 M13 12h.01 M2 21h20',
  service: 'M3 7h4l10 10h4 M3 17h4l3-3 M14 10l3-3h4 M18 4l3 3-3 3 M18 14l3 3-3 3',
  pod: 'M12 2l9 5v10l-9 5-9-5V7z M3 7l9 5 9-5 M12 12v10',
  egressProxy: 'M12 2l8 4v6c0 5-4 8-8 10-4-2-8-5-8-10V6z',
  external: 'M12 3a9 9 0 100 18 9 9 0 000-18z M3 12h18 M12 3c3 3 3 15 0 18 M12 3c-3 3-3 15 0 18',
  'cloud-proxy': 'M7 18h10a4 4 0 000-8 6 6 0 00-11.5 1.5A3.5 3.5 0 007 18z M12 12v3 M10 13.5h4',
  'cloud-pass-through': 'M7 18h10a4 4 0 000-8 6 6 0 00-11.5 1.5A3.5 3.5 0 007 18z M8 14h8 M14 12l2 2-2 2',
  metallb: 'M12 14v8 M8 22h8 M8.5 10.5a5 5 0 017 0 M5.5 7.5a9 9 0 0113 0 M12 14h.01',
  servicelb: 'M4 8h16v10H4z M8 8V5h8v3 M8 13h8',
  unknown: 'M12 3v6 M12 9l-7 6 M12 9l7 6 M3 17h4v4H3z M17 17h4v4h-4z',
};

export function HopIcon({ kind, flavour }: { kind: HopKind; flavour?: LoadBalancerFlavour | null }) {
  return (
    <svg viewBox="0 0 24 24" width="14" height="14" aria-hidden="true" className="inline-block shrink-0" fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round" strokeLinejoin="round">
      <path d={PATHS[flavour ?? kind]} />
    </svg>
  );
}
