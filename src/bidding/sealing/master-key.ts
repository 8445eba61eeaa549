import * as fs from 'node:fs';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import { ConfigError } from '../../config/app.config';
import { KEY_BYTES, MasterKey, masterKeyFrom } from './sealing';

export const MASTER_KEY_FILE_NAME = 'bid-master.key';

function decodeKey(name: string, text: string): Buffer {
  const trimmed = text.trim();
  const key = /^[A-Za-z0-9+/]+={0,2}$/.test(trimmed) ? Buffer.from(trimmed, 'base64') : Buffer.alloc(0);
  if (key.length !== KEY_BYTES) {
    throw new ConfigError(`${name} must be the base64 of ${KEY_BYTES} random bytes (e.g. openssl rand -base64 32)`);
  }
  if (key.every((b) => b === key[0])) throw new ConfigError(`${name} is a placeholder (every byte the same); generate a random key`);
  return key;
}

/**
 * The master key that wraps every project's data key. It never enters the database:
 * BID_MASTER_KEY (base64 of 32 bytes) or the file named by BID_MASTER_KEY_FILE; in development
 * and test, without either, one is generated once into $DATA_DIR/bid-master.key (0600).
 * Production refuses to start without one.
 */
export function loadMasterKey(options: { env?: NodeJS.ProcessEnv; nodeEnv: string; dataDir: string }): MasterKey & { source: string } {
  const env = options.env ?? process.env;
  const inline = env.BID_MASTER_KEY?.trim();
  const file = env.BID_MASTER_KEY_FILE?.trim();
  if (inline && file) throw new ConfigError('Set BID_MASTER_KEY or BID_MASTER_KEY_FILE, not both');
  if (inline) return { ...masterKeyFrom(decodeKey('BID_MASTER_KEY', inline)), source: 'BID_MASTER_KEY' };
  if (file) {
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch (error) {
      throw new ConfigError(`BID_MASTER_KEY_FILE ${file} cannot be read: ${(error as Error).message}`);
    }
    return { ...masterKeyFrom(decodeKey(`BID_MASTER_KEY_FILE (${file})`, text)), source: file };
  }
  if (options.nodeEnv === 'production') {
    throw new ConfigError('BID_MASTER_KEY or BID_MASTER_KEY_FILE is required in production: sealed bids cannot be kept without a master key');
  }
  const generated = path.join(options.dataDir, MASTER_KEY_FILE_NAME);
  fs.mkdirSync(options.dataDir, { recursive: true });
  try {
    // 'wx': two processes starting together do not overwrite each other's key.
    fs.writeFileSync(generated, `${randomBytes(KEY_BYTES).toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  return { ...masterKeyFrom(decodeKey(generated, fs.readFileSync(generated, 'utf8'))), source: generated };
}
