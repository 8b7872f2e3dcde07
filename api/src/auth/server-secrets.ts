/**
 * The server's own long-lived secrets (DESIGN.md §2, §7):
 *   signingSeed  32 bytes: the Ed25519 private key seed (RFC 8032 §5.1.5)
 *   rootKey      32 bytes: the MAC root from which every other server key is derived
 *
 * Given by configuration (PEERLOCK_SIGNING_KEY / PEERLOCK_MAC_KEY, so every
 * node of a cluster shares them) or generated on first start into
 * `<dataDir>/server-secrets.json`, created exclusively with mode 0600.
 * A file readable by group or others is refused, like ssh refuses such keys.
 * Nothing here is ever logged.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, openSync, readFileSync, statSync, writeSync, closeSync } from 'node:fs';
import { join } from 'node:path';
import type { AppConfig } from '../config.js';

export interface ServerSecrets {
  readonly signingSeed: Uint8Array;
  readonly rootKey: Uint8Array;
}

export const SECRETS_FILE = 'server-secrets.json';

export class ServerSecretsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ServerSecretsError';
  }
}

const fromBase64 = (text: string, what: string): Uint8Array => {
  if (!/^[A-Za-z0-9+/]{43}=$/.test(text)) throw new ServerSecretsError(`${what}: expected 32 bytes in base64`);
  return new Uint8Array(Buffer.from(text, 'base64'));
};

export function loadServerSecrets(config: Pick<AppConfig, 'dataDir' | 'signingSeed' | 'macKey'>): ServerSecrets {
  if (config.signingSeed && config.macKey) {
    return { signingSeed: fromBase64(config.signingSeed, 'PEERLOCK_SIGNING_KEY'), rootKey: fromBase64(config.macKey, 'PEERLOCK_MAC_KEY') };
  }
  const fromFile = loadOrCreateFile(config.dataDir);
  return {
    signingSeed: config.signingSeed ? fromBase64(config.signingSeed, 'PEERLOCK_SIGNING_KEY') : fromFile.signingSeed,
    rootKey: config.macKey ? fromBase64(config.macKey, 'PEERLOCK_MAC_KEY') : fromFile.rootKey,
  };
}

function loadOrCreateFile(dataDir: string): ServerSecrets {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const path = join(dataDir, SECRETS_FILE);
  try {
    // 'wx' fails if the file exists, so two processes starting at once cannot both write.
    const fd = openSync(path, 'wx', 0o600);
    try {
      const content = JSON.stringify({
        version: 1,
        signingSeed: randomBytes(32).toString('base64'),
        rootKey: randomBytes(32).toString('base64'),
      });
      writeSync(fd, content + '\n');
    } finally {
      closeSync(fd);
    }
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  if ((statSync(path).mode & 0o077) !== 0) throw new ServerSecretsError(`${path} is readable by group or others; chmod 600 it`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    throw new ServerSecretsError(`${path} is not valid JSON`);
  }
  const record = parsed as { version?: unknown; signingSeed?: unknown; rootKey?: unknown };
  if (record.version !== 1 || typeof record.signingSeed !== 'string' || typeof record.rootKey !== 'string') {
    throw new ServerSecretsError(`${path} is not a version 1 secrets file`);
  }
  return { signingSeed: fromBase64(record.signingSeed, 'signingSeed'), rootKey: fromBase64(record.rootKey, 'rootKey') };
}
