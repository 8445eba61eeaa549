/**
 * Bounds how many bid transactions one instance runs at once. On two cores more transactions in
 * flight than the CPUs can serve only hold connections the sessions also need, and lengthen every
 * transaction's share lock on the project (which the opening waits for). Waiters queue here, in
 * order, holding no connection. The limit was 6 while the audit chain serialised every writer;
 * with the chain linked after commit, 14 measured best (bench/README.md).
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
