/**
 * Everything the CLI prints goes through here: colours only on a TTY (and
 * never with NO_COLOR), JSON for scripts, progress bars only on a TTY's
 * stderr so piped output stays clean.
 */
export interface Output {
  readonly json: boolean;
  readonly color: boolean;
  /** A human line (suppressed in --json mode). */
  line(text?: string): void;
  /** The command's result: printed as JSON with --json, else by `human`. */
  result(value: unknown, human: () => void): void;
  progress(label: string): Progress;
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
    paint,
    line: (text = '') => {
      if (!options.json) process.stdout.write(`${text}\n`);
    },
    result: (value, human) => {
      if (options.json) process.stdout.write(`${JSON.stringify(value)}\n`);
      else human();
    },
    progress: (label) => progressBar(label, process.stderr.isTTY === true && !options.json),
  };
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
      process.stderr.write(`\r${label} [${'#'.repeat(filled)}${' '.repeat(width - filled)}] ${total ? `${Math.floor(ratio * 100)}%` : ''} ${amount}\u001b[K`);
    },
    finish() {
      if (shown) process.stderr.write('\n');
    },
  };
}
