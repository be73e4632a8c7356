import { randomBytes } from 'node:crypto';
import { type Config, loadConfig } from '../lib/index.js';

export type Environment = Readonly<Record<string, string | undefined>>;

/** The environment with the local stack's defaults filled in, and what was generated for this run. */
export interface LocalEnv {
  env: Record<string, string | undefined>;
  /** Set when `TANDEM_API_TOKENS` was empty: a token made for this run. */
  generatedToken?: string;
  /** `TANDEM_SIGNING_SECRET` was empty and one was made for this run. */
  generatedSigningSecret: boolean;
  /** `UPSTASH_REDIS_REST_URL` and `..._TOKEN` are both set: use that Redis instead of the bridge. */
  upstash: boolean;
  /** The settings the stack starts from, validated before anything is started. */
  settings: Config;
}

// Stand-ins for the values the stack fills in once its parts run, so that everything else can be validated
// (and a bad PORT reported) before anything starts.
const PENDING_URL = 'http://pending.invalid/';

/**
 * Fills in what a developer should not have to set for a local run: an API token and a signing secret
 * (generated, and said so), and validates the rest through the one config schema.
 *
 * @throws ConfigError naming the variable, as at cold start
 */
export function prepareLocalEnv(input: Environment): LocalEnv {
  const env: Record<string, string | undefined> = { ...input };
  let generatedToken: string | undefined;
  if (!env.TANDEM_API_TOKENS?.trim()) {
    generatedToken = `local-${randomBytes(18).toString('base64url')}`;
    env.TANDEM_API_TOKENS = generatedToken;
  }
  const generatedSigningSecret = !env.TANDEM_SIGNING_SECRET;
  if (generatedSigningSecret) env.TANDEM_SIGNING_SECRET = randomBytes(32).toString('base64url');
  // Either variable set means the developer meant Upstash; the schema then names the missing one.
  const upstash = Boolean(env.UPSTASH_REDIS_REST_URL || env.UPSTASH_REDIS_REST_TOKEN);
  const settings = loadConfig({
    ...env,
    ...(upstash ? {} : { UPSTASH_REDIS_REST_URL: PENDING_URL, UPSTASH_REDIS_REST_TOKEN: 'pending' }),
    TASK_QUEUE_URL: PENDING_URL,
    DEAD_LETTER_QUEUE_URL: PENDING_URL,
    JOURNAL_QUEUE_URL: PENDING_URL,
  });
  return {
    env,
    ...(generatedToken !== undefined && { generatedToken }),
    generatedSigningSecret,
    upstash,
    settings,
  };
}
