import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { SnapshotBanner } from '@/components/snapshot/SnapshotBanner';
import { sampleSnapshot } from '@/test/support/samples';
import { rehomeImported } from './freeze';
import { redactSnapshot } from './redact';
import { summarizeRedaction } from './redaction-summary';

const render = (snapshot: Parameters<typeof SnapshotBanner>[0]['snapshot']) => renderToStaticMarkup(createElement(SnapshotBanner, { snapshot }));

describe('SnapshotBanner', () => {
  it('says "imported from a file — not verified" for an import, and nothing of the kind otherwise', () => {
    const own = sampleSnapshot();
    expect(render(own)).not.toContain('snapshot-imported');
    const imported = rehomeImported(own, new Date('2026-02-03T04:05:06.000Z'));
    const html = render(imported);
    expect(html).toContain('data-testid="snapshot-imported"');
    expect(html).toContain('imported from a file — not verified');
    expect(html).toContain(`data-original-id="${own.id}"`);
    expect(html).toContain('uploaded 2026-02-03 04:05:06 UTC');
  });

  it('shows what a redacted snapshot keeps and hides', () => {
    const redacted = redactSnapshot(sampleSnapshot()).snapshot;
    const html = render(redacted);
    expect(html).toContain('data-testid="snapshot-redaction-summary"');
    expect(html).toContain(summarizeRedaction(redacted)!.text);
  });

  it('renders the context isolated, its bidi controls shown instead of applied', () => {
    const html = render(sampleSnapshot({ context: 'prod\u202Eved' }));
    expect(html).not.toContain('\u202E');
    expect(html).toMatch(/<span data-testid="snapshot-context"><bdi dir="auto">prod<span data-bidi-control="U\+202E"[^>]*>\[RLO\]<\/span>ved<\/bdi><\/span>/);
  });
});
