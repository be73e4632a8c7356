import { type Config, ConfigSchema } from './config-schema.js';
import { ConfigError } from './errors.js';

/**
 * Parses the environment once. A missing or invalid variable throws a {@link ConfigError}
 * whose message names every offending variable, so a bad deploy fails at cold start, loudly. Without
 * an argument it reads the process environment: the one place under `lib/` that does.
 *
 * @example
 * const config = loadConfig();
 */
export function loadConfig(env: Readonly<Record<string, string | undefined>> = process.env): Config {
  const parsed = ConfigSchema.safeParse(env);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => {
    const variable = String(issue.path[0] ?? '(environment)');
    const got = typeof issue.path[0] === 'string' && isSecret(variable) ? '' : describe(env[variable]);
    return { variable, text: `${variable}: ${issue.message}${got}` };
  });
  return failWith(problems);
}

function failWith(problems: { variable: string; text: string }[]): never {
  throw new ConfigError(`Invalid configuration:\n  ${problems.map((problem) => problem.text).join('\n  ')}`, [
    ...new Set(problems.map((problem) => problem.variable)),
  ]);
}

function isSecret(variable: string): boolean {
  return /TOKEN|SECRET/.test(variable);
}

function describe(value: string | undefined): string {
  return value === undefined ? ' (not set)' : ` (got ${JSON.stringify(value.slice(0, 80))})`;
}
