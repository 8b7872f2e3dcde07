/**
 * Everything the CLI prints goes through here: colours only on a TTY (and
 * never with NO_COLOR), JSON for scripts, progress bars only on a TTY's
 * stderr so piped output stays clean.
 *
 * A reader that goes away (`peerlock inbox | head -1`) is not an error: the
 * first EPIPE stops all further output, long-running commands stop (watch
 * listens to `closed`), the command still finishes what it was doing (a
 * signup still saves its session), and the process exits 141 as a program
 * killed by SIGPIPE would (the shell's convention; `set -o pipefail` then
 * tells the output was cut short, which matters when it held a passphrase).
 */

/** 128 + SIGPIPE (13). */
export const CLOSED_PIPE_EXIT = 141;

const stdoutGone = new AbortController();
let stderrGone = false;
/** Aborted once stdout has no reader any more (or cannot be written). */
export const outputClosed: AbortSignal = stdoutGone.signal;
/** Set when writing stdout failed for another reason than a reader that went away (a full disk behind a redirect). */
export let outputFailed: string | null = null;

const readerLeft = (error: NodeJS.ErrnoException) => error.code === 'EPIPE' || error.code === 'ERR_STREAM_DESTROYED';
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (!readerLeft(error) && outputFailed === null) outputFailed = error.code ?? error.message;
  stdoutGone.abort();
});
process.stderr.on('error', () => {
  stderrGone = true;
});

export function writeStdout(text: string): void {
  if (!stdoutGone.signal.aborted) process.stdout.write(text);
}

export function writeStderr(text: string): void {
  if (!stderrGone) process.stderr.write(text);
}

/**
 * Text that other people wrote (subjects, message bodies, file names), made
 * safe to print on a terminal: control characters, escape sequences among
 * them, and bidirectional overrides show as "�", so a message cannot move
 * the cursor, recolour or retitle the terminal, or reorder what is shown.
 * Tabs stay; callers split lines on "\n" first.
 */
export function printable(text: string): string {
  return text.replace(/[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, '\ufffd');
}

export interface Output {
  readonly json: boolean;
  readonly color: boolean;
  /** Aborted when nobody reads the output any more: a command that would run on (watch) stops. */
  readonly closed: AbortSignal;
  /** A human line (suppressed in --json mode). */
  line(text?: string): void;
  /** The command's result: printed as JSON with --json, else by `human`. */
  result(value: unknown, human: () => void): void;
  progress(label: string): Progress;
  /** Runs `work` with "label… 1.2 s" ticking on a terminal's stderr (nothing elsewhere), cleared at the end. */
  during<T>(label: string, work: () => Promise<T>): Promise<T>;
  readonly paint: Paint;
}

export interface Paint {
  bold(s: string): string;
  red(s: string): string;
  green(s: string): string;
  yellow(s: string): string;
  dim(s: string): string;
}

export interface Progress {
  update(done: number, total: number | null): void;
  finish(): void;
}

const code = (open: number, close: number, on: boolean) => (s: string) => (on ? `\u001b[${open}m${s}\u001b[${close}m` : s);

export function createOutput(options: { json: boolean; noColor: boolean }): Output {
  const color = !options.noColor && !process.env.NO_COLOR && process.stdout.isTTY === true;
  const paint: Paint = { bold: code(1, 22, color), red: code(31, 39, color), green: code(32, 39, color), yellow: code(33, 39, color), dim: code(2, 22, color) };
  return {
    json: options.json,
    color,
    closed: outputClosed,
    paint,
    line: (text = '') => {
      if (!options.json) writeStdout(`${text}\n`);
    },
    result: (value, human) => {
      if (options.json) writeStdout(`${JSON.stringify(value)}\n`);
      else human();
    },
    progress: (label) => progressBar(label, process.stderr.isTTY === true && !options.json),
    during: (label, work) => ticking(label, process.stderr.isTTY === true && !options.json, work),
  };
}

async function ticking<T>(label: string, enabled: boolean, work: () => Promise<T>): Promise<T> {
  if (!enabled) return work();
  const start = performance.now();
  const frames = '⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏';
  let frame = 0;
  const draw = () => writeStderr(`\r${frames[frame++ % frames.length]} ${label}… ${((performance.now() - start) / 1000).toFixed(1)} s\u001b[K`);
  draw();
  const timer = setInterval(draw, 100);
  try {
    return await work();
  } finally {
    clearInterval(timer);
    writeStderr('\r\u001b[K');
  }
}

function progressBar(label: string, enabled: boolean): Progress {
  const width = 28;
  let shown = false;
  return {
    update(done, total) {
      if (!enabled) return;
      shown = true;
      const ratio = total ? Math.min(1, done / total) : 0;
      const filled = Math.round(ratio * width);
      const amount = `${(done / 1048576).toFixed(1)}${total ? `/${(total / 1048576).toFixed(1)}` : ''} MiB`;
      writeStderr(`\r${label} [${'#'.repeat(filled)}${' '.repeat(width - filled)}] ${total ? `${Math.floor(ratio * 100)}%` : ''} ${amount}\u001b[K`);
    },
    finish() {
      if (shown) writeStderr('\n');
    },
  };
}
