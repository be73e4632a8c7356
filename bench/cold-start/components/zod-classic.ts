// Cold-start component: zod's classic API, as lib/ imports it today.
import { z } from 'zod';

export const handler = async (input: unknown) => z.object({ type: z.string() }).parse(input);
