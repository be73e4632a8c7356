// Cold-start component: zod's tree-shakable API (same schema as zod-classic.ts).
import * as z from 'zod/mini';

export const handler = async (input: unknown) => z.object({ type: z.string() }).parse(input);
