import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { firstUnenterableDirectory, removeStaleLock, runningClusterPort } from './embedded-postgres';

describe('embedded cluster lock file', () => {
  const dir = () => fs.mkdtempSync(path.join(os.tmpdir(), 'pg-lock-'));

  it('removes the postmaster.pid a killed cluster left behind', () => {
    const d = dir();
    // A pid that cannot be running: beyond the kernel's pid_max.
    fs.writeFileSync(path.join(d, 'postmaster.pid'), '4194399\n/data\n1700000000\n5432\n');
    expect(runningClusterPort(d)).toBeNull();
    expect(removeStaleLock(d)).toBe(true);
    expect(fs.existsSync(path.join(d, 'postmaster.pid'))).toBe(false);
  });

  it('refuses to touch the lock of a cluster that is still running, and reports its port', () => {
    const d = dir();
    fs.writeFileSync(path.join(d, 'postmaster.pid'), `${process.pid}\n/data\n1700000000\n54321\n`);
    expect(runningClusterPort(d)).toBe(54321);
    expect(() => removeStaleLock(d)).toThrow(/Another PostgreSQL/);
  });

  it('does nothing without a lock file', () => {
    expect(removeStaleLock(dir())).toBe(false);
  });
});

describe('can the database user enter DATA_DIR', () => {
  const root = { path: '/', mode: 0o755, uid: 0, gid: 0 };
  const postgres = { uid: 101, gids: [104, 103] };

  it('finds the first folder without search permission for the user, like /root (0700)', () => {
    const chain = [root, { path: '/root', mode: 0o700, uid: 0, gid: 0 }, { path: '/root/app', mode: 0o755, uid: 0, gid: 0 }];
    expect(firstUnenterableDirectory(chain, postgres)?.path).toBe('/root');
  });

  it('applies the owner, group or others bits, whichever class the user falls in', () => {
    expect(firstUnenterableDirectory([root, { path: '/srv', mode: 0o710, uid: 0, gid: 104 }], postgres)).toBeNull();
    expect(firstUnenterableDirectory([root, { path: '/srv', mode: 0o701, uid: 0, gid: 104 }], postgres)?.path).toBe('/srv');
    expect(firstUnenterableDirectory([root, { path: '/srv', mode: 0o100, uid: 101, gid: 0 }], postgres)).toBeNull();
    expect(firstUnenterableDirectory([root, { path: '/srv', mode: 0o011, uid: 101, gid: 104 }], postgres)?.path).toBe('/srv');
    expect(firstUnenterableDirectory([root, { path: '/tmp/x', mode: 0o755, uid: 0, gid: 0 }], postgres)).toBeNull();
  });

  it('lets root through everywhere', () => {
    expect(firstUnenterableDirectory([{ path: '/root', mode: 0o700, uid: 0, gid: 0 }], { uid: 0, gids: [0] })).toBeNull();
  });
});
