import type * as z from 'zod/mini';

/**
 * The first few zod issues as one line, `path: message; …`, for a rejection's message.
 *
 * @example
 * issuesText(SnsRecordSchema.safeParse(record).error.issues); // 'Sns.TopicArn: Invalid input: …'
 */
export function issuesText(issues: readonly z.core.$ZodIssue[]): string {
  return issues
    .slice(0, 5)
    .map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`)
    .join('; ');
}
