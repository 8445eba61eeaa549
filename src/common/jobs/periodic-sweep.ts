/**
 * A sweep run every few seconds on each instance (outboxes: retries whose back-off has passed,
 * rows whose worker died), never two at once in one instance; a failed run is reported and the
 * next one tries again. The timer does not keep the process alive; `stop` waits for a run in flight.
 */
export class PeriodicSweep {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<unknown> | null = null;

  constructor(
    private readonly run: () => Promise<unknown>,
    private readonly onError: (error: unknown) => void,
  ) {}

  /** Starts the timer and runs once at once. */
  start(intervalSeconds: number): void {
    this.timer = setInterval(() => this.tick(), intervalSeconds * 1000);
    this.timer.unref();
    this.tick();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
  }

  private tick(): void {
    if (this.running) return;
    this.running = this.run()
      .catch(this.onError)
      .finally(() => (this.running = null));
  }
}
