import { describe, expect, it } from 'vitest';
import { type DashboardUrlState, readUrlState, sourceQuery, writeUrlState } from './url-state';

const full: DashboardUrlState = {
  path: 'ingress:shop/shop:shop.example.com',
  scenario: 'bare-metal-metallb',
  context: null,
  query: 'shop',
  namespace: 'shop',
  kind: 'ingress',
  verdict: 'header',
  hop: 'pod:10.244.1.10',
};

describe('dashboard URL state', () => {
  it('round-trips through the query string', () => {
    expect(readUrlState(new URLSearchParams(writeUrlState(full)))).toEqual(full);
  });

  it('leaves empty values out', () => {
    expect(writeUrlState({ ...full, query: ' ', namespace: null, kind: null, verdict: null, hop: null, scenario: null })).toBe(
      '?path=ingress%3Ashop%2Fshop%3Ashop.example.com',
    );
  });

  it('ignores values it does not know', () => {
    const state = readUrlState(new URLSearchParams('kind=bogus&verdict=green&path='));
    expect(state).toMatchObject({ kind: null, verdict: null, path: null });
  });

  it('sends only the cluster source to the API', () => {
    expect(sourceQuery(full, { whatIf: 'service/default/echo:externalTrafficPolicy=Local' })).toBe(
      '?scenario=bare-metal-metallb&whatIf=service%2Fdefault%2Fecho%3AexternalTrafficPolicy%3DLocal',
    );
    expect(sourceQuery({ scenario: null, context: null })).toBe('');
  });
});
