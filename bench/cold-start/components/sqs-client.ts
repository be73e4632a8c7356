// Cold-start component: the one AWS SDK client Tandem's functions carry (SQS: tasks, wake-ups, journal).
import { SQSClient } from '@aws-sdk/client-sqs';

const client = new SQSClient({});

export const handler = async () => (client ? 1 : 0);
