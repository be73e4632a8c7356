import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * This process's environment with every way to AWS credentials removed: no keys, no profile, no config
 * files, no instance metadata. For tools that must work offline (`osls package`), to prove they do.
 */
export function withoutAwsCredentials(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of Object.keys(env)) {
    if (
      /^AWS_(ACCESS_KEY_ID|SECRET_ACCESS_KEY|SESSION_TOKEN|PROFILE|DEFAULT_PROFILE|ROLE_ARN|WEB_IDENTITY_TOKEN_FILE)$/.test(
        name,
      )
    ) {
      delete env[name];
    }
  }
  return {
    ...env,
    AWS_SHARED_CREDENTIALS_FILE: join(tmpdir(), 'tandem-no-credentials'),
    AWS_CONFIG_FILE: join(tmpdir(), 'tandem-no-config'),
    AWS_EC2_METADATA_DISABLED: 'true',
  };
}
