#!/usr/bin/env node
/**
 * peerlock-minilock: miniLock v1 files from the command line, interoperable
 * with the miniLock reference. Streams stdin → stdout in bounded memory.
 */
import { once } from 'node:events';
import { createReadStream, fstatSync, ftruncateSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { mkdtemp, open, readFile, rename, rm, type FileHandle } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
// The miniLock part and the key helpers only, not the SDK's index (the GraphQL client and the
// rest): a command that runs once per file should not pay for loading what it never uses.
import { decodeMiniLockId, decryptStream, encodeMiniLockId, encryptStream, type DecryptedStream, type EncryptStream } from '../minilock/index.js';
import { base64ToBytes, bytesToUtf8 } from '../crypto/bytes.js';
import { base58ToBytes } from '../crypto/base58.js';
import { keyPairFromSecretKey, type KeyPair } from '../keys/derive.js';

const HELP = `Usage:
  peerlock-minilock id      KEY
  peerlock-minilock encrypt KEY --to ID [--to ID ...] [--name NAME] [--include-self] < plain > out.minilock
  peerlock-minilock decrypt KEY [--json] [-o FILE] < in.minilock

KEY is either
  --email EMAIL --passphrase-file FILE   miniLock key derivation (scrypt, ~1 s); one trailing
                                         newline of FILE is ignored
  --secret-key-file FILE                 the 32-byte secret key: raw, or base58 / base64 text

The passphrase must be strong, by the rule miniLock and peerlock share: at least 32
characters, not containing the email, and over 100 bits by zxcvbn's estimate
(\`peerlock passphrase\` generates one). A weak passphrase makes a key anyone can
guess. To read a file made for an old key with a weak passphrase, decrypt takes
  --weak-passphrase                      use it anyway, with a warning (decrypt only)

encrypt   encrypts stdin for each --to miniLock ID (and yourself with --include-self).
          --name sets the file name stored inside (default: empty). The header,
          which comes first, holds a hash of every chunk, so it is written last:
          into a file (> out.minilock) in one pass, into the room left for it; into
          a pipe (or >>), the chunks wait in a temporary file (ciphertext only).
          Interrupted, the output file is left empty.
decrypt   writes the plaintext to FILE (-o/--output FILE) or stdout, and the verified
          sender's miniLock ID and the stored file name to stderr (--json: one line
          {"senderID","fileName"}; version 2 files from miniLockLib add "mediaType"
          and "time").
          With -o FILE, the plaintext goes to a temporary file beside FILE (mode 0600)
          that becomes FILE only once the whole file verified: a truncated or
          tampered file leaves no output and an existing FILE untouched. FILE is
          created, or replaced, with mode 0600. Use -o for any file you did not make.
          To stdout, plaintext is written chunk by chunk as each 1 MiB chunk
          authenticates, so if the file turns out truncated or tampered later, some
          plaintext has already been written: the exit status is then non-zero and
          the output must be discarded. Only exit status 0 means the whole file verified.
id        prints your miniLock ID.

Exit status: 0 ok; 1 other error (unreadable key file, I/O); 2 usage or weak passphrase;
  3 not a recipient; 4 decryption failed (tampered or corrupted);
  5 not a valid or a truncated miniLock file; 6 invalid miniLock ID.`;

class UsageError extends Error {}
class KeyFileError extends Error {}
/** Told like a usage error (exit 2): the fix is a better passphrase or, for decrypt, --weak-passphrase. */
class WeakPassphraseUsage extends Error {}

const EXIT: Record<string, number> = { NOT_A_RECIPIENT: 3, DECRYPTION_FAILED: 4, MALFORMED_FILE: 5, INVALID_MINILOCK_ID: 6 };

interface Args {
  command: string;
  email?: string;
  passphraseFile?: string;
  secretKeyFile?: string;
  to: string[];
  name: string;
  includeSelf: boolean;
  json: boolean;
  output?: string;
  help: boolean;
  weakPassphrase: boolean;
}

function parse(argv: string[]): Args {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        email: { type: 'string' },
        'passphrase-file': { type: 'string' },
        'secret-key-file': { type: 'string' },
        to: { type: 'string', multiple: true },
        name: { type: 'string' },
        'include-self': { type: 'boolean' },
        json: { type: 'boolean' },
        output: { type: 'string', short: 'o' },
        help: { type: 'boolean', short: 'h' },
        'weak-passphrase': { type: 'boolean' },
      },
    });
  } catch (error) {
    throw new UsageError((error as Error).message.split('\n')[0]);
  }
  const { values, positionals } = parsed;
  if (positionals.length > 1) throw new UsageError(`unexpected argument: ${positionals[1]}`);
  return {
    command: positionals[0] ?? '',
    email: values.email,
    passphraseFile: values['passphrase-file'],
    secretKeyFile: values['secret-key-file'],
    to: values.to ?? [],
    name: values.name ?? '',
    includeSelf: values['include-self'] ?? false,
    json: values.json ?? false,
    ...(values.output !== undefined ? { output: values.output } : {}),
    help: values.help ?? false,
    weakPassphrase: values['weak-passphrase'] ?? false,
  };
}

async function loadKey(args: Args): Promise<KeyPair> {
  if (args.secretKeyFile !== undefined) {
    if (args.email !== undefined || args.passphraseFile !== undefined) throw new UsageError('use either --secret-key-file or --email with --passphrase-file');
    if (args.weakPassphrase) throw new UsageError('--weak-passphrase goes with --email and --passphrase-file, not with a secret key file');
    return keyPairFromSecretKey(await readSecretKeyFile(args.secretKeyFile));
  }
  if (args.email === undefined || args.passphraseFile === undefined) throw new UsageError('a key is needed: --email and --passphrase-file, or --secret-key-file');
  let text: string;
  try {
    text = bytesToUtf8(new Uint8Array(await readFile(args.passphraseFile)));
  } catch {
    throw new KeyFileError(`cannot read the passphrase file ${args.passphraseFile}`);
  }
  const passphrase = text.replace(/\r?\n$/, '');
  if (passphrase.length === 0) throw new KeyFileError('the passphrase file is empty');
  // Loaded only on this path: the strength estimate (zxcvbn) and scrypt are the heavy parts.
  const [{ checkPassphraseStrength }, { deriveKeyPair }] = await Promise.all([import('../keys/passphrase.js'), import('../keys/derive.js')]);
  checkStrength(checkPassphraseStrength(passphrase, args.email), args);
  return deriveKeyPair(passphrase, args.email);
}

/**
 * The strength rule of peerlock (and of miniLock itself), salted with the
 * email: a weak passphrase is refused, except for decrypt with an explicit
 * --weak-passphrase, so files made for an old weak key stay readable; never
 * to make new files or hand out the ID of such a key.
 */
function checkStrength(strength: { ok: boolean; reasons: readonly string[] }, args: Args): void {
  if (strength.ok) return;
  const why = strength.reasons.join(', ');
  if (!args.weakPassphrase) {
    throw new WeakPassphraseUsage(
      `passphrase too weak (${why}): it needs 32+ characters, not the email, and over 100 bits (\`peerlock passphrase\` makes one). ` +
        (args.command === 'decrypt' ? 'To read a file made for an old key with this passphrase, add --weak-passphrase' : 'Only decrypt accepts a weak passphrase (--weak-passphrase), to read old files'),
    );
  }
  if (args.command !== 'decrypt') throw new UsageError(`--weak-passphrase is only for decrypt (reading old files); ${args.command} needs a strong passphrase`);
  process.stderr.write(`peerlock-minilock: warning: weak passphrase (${why}): anyone who guesses it can read what is sent to this key and sign as it; move to a strong one\n`);
}

async function readSecretKeyFile(path: string): Promise<Uint8Array> {
  let raw: Uint8Array;
  try {
    raw = new Uint8Array(await readFile(path));
  } catch {
    throw new KeyFileError(`cannot read the secret key file ${path}`);
  }
  if (raw.length === 32) return raw;
  let text: string;
  try {
    text = bytesToUtf8(raw).trim();
  } catch {
    throw new KeyFileError('the secret key file holds neither 32 raw bytes nor base58/base64 text');
  }
  for (const decode of [base64ToBytes, base58ToBytes]) {
    try {
      const key = decode(text);
      if (key.length === 32) return key;
    } catch {
      // try the other encoding
    }
  }
  throw new KeyFileError('the secret key file holds neither 32 raw bytes nor base58/base64 text');
}

/** stdin, read 1 MiB at a time when it is a file (`< plain`; process.stdin reads 64 KiB at a time). */
function stdin(): AsyncIterable<Uint8Array> {
  try {
    if (fstatSync(0).isFile()) return createReadStream('', { fd: 0, highWaterMark: 1024 * 1024, autoClose: false }) as AsyncIterable<Uint8Array>;
  } catch {
    // Not a file we can stat: the ordinary stream.
  }
  return process.stdin as AsyncIterable<Uint8Array>;
}

async function write(bytes: Uint8Array): Promise<void> {
  if (!process.stdout.write(bytes)) await once(process.stdout, 'drain');
}

async function encrypt(args: Args, key: KeyPair): Promise<void> {
  for (const id of args.to) {
    try {
      decodeMiniLockId(id);
    } catch (error) {
      throw Object.assign(error as Error, { message: `--to ${id}: not a miniLock ID` });
    }
  }
  const recipients = [...args.to, ...(args.includeSelf ? [encodeMiniLockId(key.publicKey)] : [])];
  if (recipients.length === 0) throw new UsageError('encrypt needs at least one --to ID (or --include-self)');
  // Each chunk is written before the next is asked for, so one buffer serves them all.
  const enc = encryptStream(stdin(), { senderSecretKey: key.secretKey, recipients, fileName: args.name, reuseBuffers: true });
  if (stdoutIsFreshFile()) await encryptInPlace(enc);
  else await encryptThroughSpool(enc);
}

/**
 * Into a file (`> out.minilock`): one pass. The header comes first in the
 * file but is sealed last (it holds the hash of every chunk), and its
 * length is known before any chunk, so the chunks are written after that
 * much room and the header into it at the end.
 */
async function encryptInPlace(enc: EncryptStream): Promise<void> {
  // Interrupted or failed half-way, the file is left empty, as the spool leaves it: never a file without its header.
  const empty = () => ftruncateSync(1, 0);
  onInterrupt.add(empty);
  try {
    const room = enc.headerLength();
    let position = room;
    for await (const chunk of enc.chunks) position += writeAt(chunk, position);
    const { header } = enc.finish();
    // Cannot differ (every header field has a fixed size); checked, as a wrong guess would corrupt the file.
    if (header.length !== room) throw new Error(`internal: header of ${header.length} bytes, ${room} reserved`);
    writeAt(header, 0);
    onInterrupt.delete(empty);
  } catch (error) {
    onInterrupt.delete(empty);
    empty();
    throw error;
  }
}

/** Into a pipe: the chunks wait in a temporary file (mode 0600) until the header is known. */
async function encryptThroughSpool(enc: EncryptStream): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'peerlock-minilock-'));
  const remove = () => rmSync(dir, { recursive: true, force: true });
  onInterrupt.add(remove);
  try {
    const spool = join(dir, 'chunks');
    const handle = await open(spool, 'wx', 0o600);
    try {
      for await (const chunk of enc.chunks) await handle.write(chunk);
    } finally {
      await handle.close();
    }
    await write(enc.finish().header);
    for await (const piece of createReadStream(spool, { highWaterMark: 1024 * 1024 })) await write(piece as Buffer);
  } finally {
    onInterrupt.delete(remove);
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * stdout is a regular, empty file at position 0, opened without O_APPEND
 * (which would put a positioned write at the end): `> out`, not `>> out`,
 * a pipe or a terminal. The flags come from /proc (Linux); elsewhere the
 * spool is used.
 */
function stdoutIsFreshFile(): boolean {
  try {
    const stat = fstatSync(1);
    if (!stat.isFile() || stat.size !== 0) return false;
    const info = readFileSync('/proc/self/fdinfo/1', 'utf8');
    const pos = /^pos:\s+(\d+)/m.exec(info);
    const flags = /^flags:\s+([0-7]+)/m.exec(info);
    const O_APPEND = 0o2000;
    return pos !== null && flags !== null && Number(pos[1]) === 0 && (parseInt(flags[1]!, 8) & O_APPEND) === 0;
  } catch {
    return false;
  }
}

/**
 * All of `bytes` at `position` of stdout (a file). Synchronous on purpose:
 * no write is ever in flight when SIGINT's handler empties the file, so
 * nothing lands after it (an asynchronous write on the thread pool could).
 */
function writeAt(bytes: Uint8Array, position: number): number {
  for (let done = 0; done < bytes.length; ) done += writeSync(1, bytes, done, bytes.length - done, position + done);
  return bytes.length;
}

async function decrypt(args: Args, key: KeyPair): Promise<void> {
  let file: DecryptedStream;
  if (args.output === undefined) {
    file = await decryptStream(stdin(), key.secretKey);
    for await (const piece of file.plaintext) await write(piece);
  } else {
    file = await decryptToFile(args.output, key);
  }
  // Version 2 (miniLockLib) files also carry a media type and a time.
  const v2 = file.version === 2 ? { mediaType: file.mediaType, time: file.time } : {};
  process.stderr.write(
    args.json
      ? `${JSON.stringify({ senderID: file.senderID, fileName: file.fileName, ...v2 })}\n`
      : `sender: ${file.senderID}\nfile name: ${file.fileName}\n${file.version === 2 ? `media type: ${file.mediaType}\ntime: ${file.time}\n` : ''}`,
  );
}

/** Temporary files to remove if the process is interrupted (SIGINT, SIGTERM) before they are renamed. */
const pending = new Set<string>();
/** What else an interruption must undo (encrypt's spool folder, or its half-written output file). */
const onInterrupt = new Set<() => void>();

/**
 * Decrypts stdin into `output`: into a temporary file beside it first (same
 * folder, so the rename is atomic; created exclusively, mode 0600), renamed
 * onto `output` only once every chunk and the whole-file hash verified. On
 * any failure the temporary file is removed and `output` is as it was.
 */
async function decryptToFile(output: string, key: KeyPair): Promise<DecryptedStream> {
  const target = resolve(output);
  const temporary = join(dirname(target), `.${basename(target)}.peerlock-${randomBytes(6).toString('hex')}.tmp`);
  let handle: FileHandle | undefined;
  try {
    handle = await open(temporary, 'wx', 0o600);
  } catch (error) {
    throw new KeyFileError(`cannot write beside ${output}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  pending.add(temporary);
  try {
    const file = await decryptStream(stdin(), key.secretKey, { reuseBuffers: true });
    for await (const piece of file.plaintext) await handle.write(piece);
    await handle.sync();
    await handle.close();
    handle = undefined;
    await rename(temporary, target);
    pending.delete(temporary);
    return file;
  } finally {
    await handle?.close().catch(() => undefined);
    if (pending.delete(temporary)) await rm(temporary, { force: true });
  }
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    // Synchronously: the process ends right after.
    for (const path of pending) rmSync(path, { force: true });
    for (const undo of onInterrupt) undo();
    process.exit(signal === 'SIGINT' ? 130 : 143);
  });
}

function describe(error: unknown): [string, number] {
  if (error instanceof UsageError) return [`${error.message} (see --help)`, 2];
  if (error instanceof WeakPassphraseUsage) return [error.message, 2];
  if (error instanceof KeyFileError) return [error.message, 1];
  const e = error as { code?: unknown; reason?: unknown; message?: unknown };
  switch (e.code) {
    case 'NOT_A_RECIPIENT':
      return ['this file is not encrypted for this key', EXIT.NOT_A_RECIPIENT!];
    case 'DECRYPTION_FAILED':
      return ['decryption failed: the file is tampered with or corrupted; discard any output', EXIT.DECRYPTION_FAILED!];
    case 'MALFORMED_FILE':
      return [`not a valid miniLock file (${String(e.reason)}); discard any output`, EXIT.MALFORMED_FILE!];
    case 'INVALID_MINILOCK_ID':
      return [String(e.message), EXIT.INVALID_MINILOCK_ID!];
  }
  if (error instanceof RangeError || error instanceof TypeError) return [error.message, 2];
  return [String(e.message ?? error).split('\n')[0]!, 1];
}

async function main(argv: string[]): Promise<number> {
  const args = parse(argv);
  if (args.help) {
    process.stdout.write(`${HELP}\n`);
    return 0;
  }
  if (!['id', 'encrypt', 'decrypt'].includes(args.command)) {
    throw new UsageError(args.command ? `unknown command: ${args.command}` : 'a command is needed: id, encrypt or decrypt');
  }
  if (args.output !== undefined && args.command !== 'decrypt') throw new UsageError('-o/--output is for decrypt');
  const key = await loadKey(args);
  if (args.command === 'id') process.stdout.write(`${encodeMiniLockId(key.publicKey)}\n`);
  else if (args.command === 'encrypt') await encrypt(args, key);
  else await decrypt(args, key);
  key.secretKey.fill(0);
  return 0;
}

// A reader that went away (`| head`) is not an error worth a stack trace.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  process.stderr.write(`peerlock-minilock: cannot write output: ${error.code ?? error.message}\n`);
  process.exit(1);
});

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    const [message, code] = describe(error);
    process.stderr.write(`peerlock-minilock: ${message}\n`);
    process.exitCode = code;
  },
);
