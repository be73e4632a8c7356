/** The local stack could not start or a part of it could not be set up; the message says which part. */
export class LocalStackError extends Error {
  override readonly name: string = 'LocalStackError';
}
