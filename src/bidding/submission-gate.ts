/**
 * Bounds how many bid transactions one instance runs at once. Every submission ends by appending
 * to the audit chain, which PostgreSQL serialises (an advisory lock held until COMMIT): past a
 * few concurrent transactions, more only add connections waiting on that lock, starve the pool
 * the sessions also need, and lengthen the critical section. Waiters queue here, in order,
 * holding no connection.
 */
export class SubmissionGate {
  private active = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(readonly limit: number) {
    if (!Number.isSafeInteger(limit) || limit < 1) throw new RangeError('the gate needs a limit of at least 1');
  }

  get inFlight(): number {
    return this.active;
  }

  get queued(): number {
    return this.waiting.length;
  }

  async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.active >= this.limit) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.active++;
    try {
      return await work();
    } finally {
      const next = this.waiting.shift();
      // The slot passes straight to the next waiter, so the count never dips below the limit while work queues.
      if (next) next();
      else this.active--;
    }
  }
}
