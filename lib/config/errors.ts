/** Raised at cold start when the environment cannot be turned into a valid configuration. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  /** The environment variables that were missing or invalid, in the order found. */
  readonly variables: readonly string[];

  constructor(message: string, variables: readonly string[], options?: ErrorOptions) {
    super(message, options);
    this.variables = variables;
  }
}
