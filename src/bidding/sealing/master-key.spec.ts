import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import { ConfigError } from '../../config/app.config';
import { MASTER_KEY_FILE_NAME, loadMasterKey } from './master-key';
import { masterKeyFingerprint } from './sealing';

describe('the bid master key', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bid-key-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('reads BID_MASTER_KEY (base64 of 32 bytes)', () => {
    const key = randomBytes(32);
    const loaded = loadMasterKey({ env: { BID_MASTER_KEY: key.toString('base64') }, nodeEnv: 'production', dataDir: dir });
    expect(loaded.key.equals(key)).toBe(true);
    expect(loaded.id).toBe(masterKeyFingerprint(key));
  });

  it('reads the file named by BID_MASTER_KEY_FILE', () => {
    const key = randomBytes(32);
    const file = path.join(dir, 'secret');
    fs.writeFileSync(file, `${key.toString('base64')}\n`);
    expect(loadMasterKey({ env: { BID_MASTER_KEY_FILE: file }, nodeEnv: 'production', dataDir: dir }).key.equals(key)).toBe(true);
  });

  it.each([
    ['too short', { BID_MASTER_KEY: randomBytes(16).toString('base64') }],
    ['not base64', { BID_MASTER_KEY: 'not a key at all!' }],
    ['a placeholder', { BID_MASTER_KEY: Buffer.alloc(32).toString('base64') }],
    ['both set', { BID_MASTER_KEY: randomBytes(32).toString('base64'), BID_MASTER_KEY_FILE: '/x' }],
    ['an unreadable file', { BID_MASTER_KEY_FILE: '/nonexistent/bid.key' }],
  ])('refuses to start with %s', (_name, env) => {
    expect(() => loadMasterKey({ env, nodeEnv: 'development', dataDir: dir })).toThrow(ConfigError);
  });

  it('refuses to start in production without a key, and never generates one there', () => {
    expect(() => loadMasterKey({ env: {}, nodeEnv: 'production', dataDir: dir })).toThrow(/required in production/);
    expect(fs.existsSync(path.join(dir, MASTER_KEY_FILE_NAME))).toBe(false);
  });

  it('generates one into $DATA_DIR in development (0600) and keeps it across restarts', () => {
    const first = loadMasterKey({ env: {}, nodeEnv: 'development', dataDir: dir });
    const file = path.join(dir, MASTER_KEY_FILE_NAME);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    const second = loadMasterKey({ env: {}, nodeEnv: 'test', dataDir: dir });
    expect(second.id).toBe(first.id);
  });
});
