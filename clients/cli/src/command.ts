/** The shape of a command: its own flags (node:util parseArgs), help text and action. */
import type { ParseArgsConfig } from 'node:util';
import type { Context } from './context.js';

export type Options = NonNullable<ParseArgsConfig['options']>;

export interface ParsedArgs {
  readonly positionals: readonly string[];
  readonly values: Readonly<Record<string, string | boolean | (string | boolean)[] | undefined>>;
}

export interface Command {
  /** e.g. "contacts add" */
  readonly name: string;
  readonly usage: string;
  readonly summary: string;
  readonly options?: Options;
  /** One line per option for `--help`, by option name. */
  readonly optionHelp?: Readonly<Record<string, string>>;
  /** Whether the command needs the session's client (it is saved afterwards). */
  run(ctx: Context, args: ParsedArgs): Promise<void>;
}

export const str = (args: ParsedArgs, name: string): string | undefined => {
  const v = args.values[name];
  return typeof v === 'string' ? v : undefined;
};

export const strs = (args: ParsedArgs, name: string): string[] => {
  const v = args.values[name];
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : typeof v === 'string' ? [v] : [];
};

export const flag = (args: ParsedArgs, name: string): boolean => args.values[name] === true;
