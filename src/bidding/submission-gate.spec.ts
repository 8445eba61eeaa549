import { SubmissionGate } from './submission-gate';

const tick = () => new Promise((r) => setImmediate(r));

describe('SubmissionGate', () => {
  it('runs at most `limit` at once, the rest in arrival order', async () => {
    const gate = new SubmissionGate(2);
    const started: number[] = [];
    const release: Array<() => void> = [];
    const runs = [0, 1, 2, 3].map((i) =>
      gate.run(async () => {
        started.push(i);
        await new Promise<void>((r) => release.push(r));
        return i;
      }),
    );
    await tick();
    expect(started).toEqual([0, 1]);
    expect(gate.queued).toBe(2);
    release.shift()!();
    await tick();
    await tick();
    expect(started).toEqual([0, 1, 2]);
    expect(gate.inFlight).toBe(2);
    while (release.length || started.length < 4) {
      release.shift()?.();
      await tick();
    }
    release.shift()?.();
    await expect(Promise.all(runs)).resolves.toEqual([0, 1, 2, 3]);
    expect(gate.inFlight).toBe(0);
  });

  it('frees the slot when the work fails', async () => {
    const gate = new SubmissionGate(1);
    await expect(gate.run(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(gate.run(() => Promise.resolve('next'))).resolves.toBe('next');
    expect(gate.inFlight).toBe(0);
  });

  it('refuses a limit below one', () => {
    expect(() => new SubmissionGate(0)).toThrow(RangeError);
  });
});
