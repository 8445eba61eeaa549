import session from 'express-session';
import { throttleTouches } from './session.setup';

class CountingStore extends session.MemoryStore {
  touched: string[] = [];
  failNext = false;
  override touch(sid: string, _data: session.SessionData, callback?: (err?: unknown) => void): void {
    this.touched.push(sid);
    if (this.failNext) {
      this.failNext = false;
      return callback?.(new Error('database unavailable'));
    }
    callback?.();
  }
}

describe('throttleTouches', () => {
  const data = { cookie: { originalMaxAge: 1800_000 } } as session.SessionData;
  let clock: number;
  const now = () => clock;
  const touch = (store: session.Store, sid: string) =>
    new Promise<unknown>((resolve) => (store.touch as (sid: string, d: session.SessionData, cb: (err?: unknown) => void) => void)(sid, data, (err?: unknown) => resolve(err)));

  beforeEach(() => (clock = 1_000_000));

  it('writes a session’s expiry at most once per interval, and each session on its own', async () => {
    const store = new CountingStore();
    throttleTouches(store, 60_000, now);
    await touch(store, 'a');
    clock += 59_999;
    await touch(store, 'a');
    await touch(store, 'b');
    expect(store.touched).toEqual(['a', 'b']);
    clock += 1;
    await touch(store, 'a');
    expect(store.touched).toEqual(['a', 'b', 'a']);
  });

  it('tries again on the next request when a write failed', async () => {
    const store = new CountingStore();
    throttleTouches(store, 60_000, now);
    store.failNext = true;
    await expect(touch(store, 'a')).resolves.toBeInstanceOf(Error);
    await expect(touch(store, 'a')).resolves.toBeUndefined();
    expect(store.touched).toEqual(['a', 'a']);
  });
});
