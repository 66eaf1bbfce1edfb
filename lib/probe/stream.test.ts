import { describe, expect, it } from 'vitest';
import type { TraceEvent } from '@/lib/types';
import { ndjsonResponse, parseNdjson } from './stream';

describe('ndjsonResponse', () => {
  it('streams one event per line and ends a failed trace with an error line, reported to onError', async () => {
    async function* failing(): AsyncGenerator<TraceEvent> {
      yield { type: 'start', traceId: 't1', simulated: false, pathIds: ['p'], probeCount: 1 };
      throw new Error('socket table full');
    }
    const errors: unknown[] = [];
    const response = ndjsonResponse(failing(), () => {}, (err) => errors.push(err));
    expect(response.headers.get('content-type')).toMatch(/^application\/x-ndjson/);
    const events = parseNdjson(await response.text());
    expect(events.map((e) => e.type)).toEqual(['start', 'error']);
    expect(events[1]).toMatchObject({ error: { code: 'trace_failed', message: 'the trace stopped: socket table full' } });
    expect(errors).toHaveLength(1);
  });
});
