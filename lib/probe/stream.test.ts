import { describe, expect, it } from 'vitest';
import type { TraceEvent } from '@/lib/types';
import { ndjsonResponse, parseNdjson } from './stream';

describe('ndjsonResponse', () => {
  it('streams one event per line and ends a failed trace with an error line', async () => {
    async function* failing(): AsyncGenerator<TraceEvent> {
      yield { type: 'start', traceId: 't1', simulated: false, pathIds: ['p'], probeCount: 1 };
      throw new Error('socket table full');
    }
    const response = ndjsonResponse(failing());
    expect(response.headers.get('content-type')).toMatch(/^application\/x-ndjson/);
    const events = parseNdjson(await response.text());
    expect(events.map((e) => e.type)).toEqual(['start', 'error']);
    expect(events[1]).toMatchObject({ error: { code: 'trace_failed', message: 'the trace stopped: socket table full' } });
  });
});
