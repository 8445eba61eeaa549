import { ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { appPort } from '../support/ports';

/**
 * Start-up and shutdown of the real app in its own process (src/main.ts under ts-node) on its own
 * embedded PostgreSQL, as a person runs it: Ctrl-C in a terminal signals the whole process group,
 * a supervisor sends SIGTERM to the process. Either way the app closes its connections (requests,
 * the job queue, pools) before it stops the database, and logs no error doing so.
 */
const ROOT = path.resolve(__dirname, '..', '..');
const ERROR_LEVEL = 50;

interface Run {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function startApp(env: Record<string, string>): Run {
  let stdout = '';
  let stderr = '';
  const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', path.join(ROOT, 'src', 'main.ts')], {
    cwd: ROOT,
    // Its own process group, like a shell's foreground job: the test can signal the group.
    detached: true,
    env: { PATH: process.env.PATH, TS_NODE_TRANSPILE_ONLY: '1', NODE_ENV: 'development', HOST: '127.0.0.1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr?.on('data', (c: Buffer) => (stderr += c.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  return { child, stdout: () => stdout, stderr: () => stderr, exited };
}

async function healthy(run: Run, port: number): Promise<void> {
  const deadline = Date.now() + 150_000;
  for (;;) {
    if (run.child.exitCode !== null) throw new Error(`the app exited (${run.child.exitCode}):\n${run.stderr()}\n${run.stdout().slice(-3000)}`);
    const ok = await fetch(`http://127.0.0.1:${port}/health`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`the app did not answer /health:\n${run.stdout().slice(-3000)}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

function logLines(stdout: string): { level: number; msg: string; context?: string }[] {
  return stdout
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as { level: number; msg: string; context?: string });
}

describe('start-up and shutdown of the app process', () => {
  jest.setTimeout(420_000);
  let dataDir: string;
  const runs: Run[] = [];

  beforeAll(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'startup-e2e-'));
    // Run as root, the embedded cluster runs as `postgres`, which must be able to enter it.
    fs.chmodSync(dataDir, 0o755);
  });

  afterAll(() => {
    for (const run of runs) if (run.child.exitCode === null && run.child.signalCode === null) run.child.kill('SIGKILL');
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it.each([
    ['Ctrl-C (SIGINT to the process group)', 'SIGINT', true],
    ['SIGTERM to the process', 'SIGTERM', false],
  ] as const)('stops on %s with the job queue running, logging no error and leaving no database behind', async (_how, signal, group) => {
    const port = await appPort();
    const run = startApp({ PORT: String(port), DATA_DIR: dataDir, LOG_LEVEL: 'info', JOBS_ENABLED: 'true' });
    runs.push(run);
    await healthy(run, port);
    // A page that reads the database, so that the pools hold open connections.
    expect((await fetch(`http://127.0.0.1:${port}/catalogue`)).status).toBe(200);

    if (group) process.kill(-run.child.pid!, signal);
    else run.child.kill(signal);
    await expect(run.exited).resolves.toEqual({ code: 0, signal: null });

    const lines = logLines(run.stdout());
    expect(lines.filter((line) => line.level >= ERROR_LEVEL)).toEqual([]);
    expect(run.stderr()).toBe('');
    expect(lines.map((line) => line.msg)).toEqual(expect.arrayContaining(['job queue started', 'shutting down', 'stopped']));
    // Route mappings and module wiring are debug, not info: a start prints a handful of lines.
    expect(lines.filter((line) => line.msg.startsWith('Mapped {') || line.context === 'RoutesResolver' || line.context === 'InstanceLoader')).toEqual([]);
    expect(lines.length).toBeLessThan(20);
    // The database stopped with the app (its lock file goes with it): the next start needs no recovery.
    expect(fs.existsSync(path.join(dataDir, 'pg', 'postmaster.pid'))).toBe(false);
  });

  it('stops with one line naming DATA_DIR when it cannot be created, not a stack trace', async () => {
    const run = startApp({ PORT: String(await appPort()), DATA_DIR: '/dev/null/marketplace', LOG_LEVEL: 'info' });
    runs.push(run);
    await expect(run.exited).resolves.toEqual({ code: 1, signal: null });
    const lines = run.stderr().trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^Cannot start: DATA_DIR=\/dev\/null\/marketplace cannot be used by the user \S+ \(ENOTDIR/);
    expect(lines[0]).toContain('Set DATA_DIR to a folder this user may create and write');
  });

  const asRoot = process.getuid?.() === 0 ? it : it.skip;
  asRoot('stops with one line naming DATA_DIR when the database user cannot enter it (the app runs as root)', async () => {
    // Like /root (0700): root may enter, the `postgres` user the cluster runs as may not.
    const locked = fs.mkdtempSync(path.join(os.tmpdir(), 'startup-locked-'));
    fs.chmodSync(locked, 0o700);
    try {
      const run = startApp({ PORT: String(await appPort()), DATA_DIR: path.join(locked, 'data'), LOG_LEVEL: 'info' });
      runs.push(run);
      await expect(run.exited).resolves.toEqual({ code: 1, signal: null });
      const lines = run.stderr().trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toBe(
        `Cannot start: DATA_DIR=${locked}/data: the embedded PostgreSQL runs as the user "postgres" (the app runs as root), ` +
          `and that user cannot enter ${locked} (mode 0700). Set DATA_DIR to a folder outside it (e.g. DATA_DIR=/var/lib/marketplace), ` +
          `or let it through with: chmod o+x ${locked}`,
      );
      expect(logLines(run.stdout()).filter((line) => line.level >= ERROR_LEVEL)).toEqual([]);
    } finally {
      fs.rmSync(locked, { recursive: true, force: true });
    }
  });
});
