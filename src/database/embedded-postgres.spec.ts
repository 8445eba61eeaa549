import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { removeStaleLock, runningClusterPort } from './embedded-postgres';

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
