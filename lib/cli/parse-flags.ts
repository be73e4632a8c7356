import { type ParseArgsConfig, parseArgs } from 'node:util';
import { CliUsageError } from './exit-codes.js';

type Options = NonNullable<ParseArgsConfig['options']>;

/** What `parseFlags` returns: node's parseArgs result for these options. */
export type ParsedFlags<O extends Options> = ReturnType<
  typeof parseArgs<{ args: string[]; options: O; allowPositionals: true; strict: true }>
>;

/**
 * A command's flags and positional arguments; an unknown flag, a missing value or the wrong number of
 * positionals is a usage error naming the command.
 */
export function parseFlags<const O extends Options>(
  command: string,
  args: readonly string[],
  options: O,
  positionals: { min: number; max: number } = { min: 0, max: 0 },
): ParsedFlags<O> {
  let parsed: ParsedFlags<O>;
  try {
    parsed = parseArgs({ args: [...args], options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new CliUsageError(`tandem ${command}: ${(error as Error).message.split('\n')[0]}`);
  }
  const count = parsed.positionals.length;
  if (count < positionals.min || count > positionals.max) {
    throw new CliUsageError(
      `tandem ${command}: expected ${positionals.min === positionals.max ? positionals.min : `${positionals.min}–${positionals.max}`} argument(s), got ${count}`,
    );
  }
  return parsed;
}

/** A whole number flag within bounds, or undefined when not given. */
export function intFlag(
  command: string,
  name: string,
  value: string | undefined,
  min: number,
  max: number,
): number | undefined {
  if (value === undefined) return undefined;
  const number = Number(value);
  if (!Number.isInteger(number) || number < min || number > max) {
    throw new CliUsageError(`tandem ${command}: --${name} must be a whole number from ${min} to ${max}`);
  }
  return number;
}
