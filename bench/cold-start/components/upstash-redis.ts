// Cold-start component: the Upstash REST client alone.
import { Redis } from '@upstash/redis';

const redis = new Redis({ url: 'http://127.0.0.1:9', token: 'unused' });

export const handler = async () => redis.ping();
