import { describe, expect, it } from 'vitest';
import { Limiter } from './limiter';

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('Limiter', () => {
  it('never runs more than max tasks at once, and runs them all', async () => {
    const limiter = new Limiter(3);
    let running = 0;
    let peak = 0;
    const results = await limiter.map(
      Array.from({ length: 50 }, (_, i) => i),
      async (i) => {
        running += 1;
        peak = Math.max(peak, running);
        await tick();
        running -= 1;
        return i * 2;
      },
    );
    expect(peak).toBe(3);
    expect(results).toEqual(Array.from({ length: 50 }, (_, i) => i * 2));
    expect(limiter.running).toBe(0);
  });

  it('frees the slot of a task that fails', async () => {
    const limiter = new Limiter(1);
    await expect(limiter.run(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(limiter.run(async () => 'next')).resolves.toBe('next');
    expect(limiter.running).toBe(0);
  });

  it('refuses a size below one', () => {
    expect(() => new Limiter(0)).toThrow(RangeError);
  });
});
