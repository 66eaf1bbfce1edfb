/**
 * At most `max` tasks at a time; the rest wait in order. The file store runs every file operation through one, so a
 * burst of shares holds a bounded number of open files however many arrive at once.
 */
export class Limiter {
  private active = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(readonly max: number) {
    if (!Number.isInteger(max) || max < 1) throw new RangeError(`limiter size must be a positive integer, got ${max}`);
  }

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.active < this.max) this.active += 1;
    // A finishing task hands its slot straight to the next waiter, so `active` never exceeds `max`.
    else await new Promise<void>((resolve) => this.waiting.push(resolve));
    try {
      return await task();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.active -= 1;
    }
  }

  /** Runs `task` for every item, at most `max` at a time, and keeps the input order in the results. */
  map<T, R>(items: readonly T[], task: (item: T) => Promise<R>): Promise<R[]> {
    return Promise.all(items.map((item) => this.run(() => task(item))));
  }

  /** Tasks running now (for tests). */
  get running(): number {
    return this.active;
  }
}
