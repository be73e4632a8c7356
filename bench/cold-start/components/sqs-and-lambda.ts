// Cold-start component: the two AWS SDK clients Tandem's functions carry (SQS, and Lambda for wake-ups).
import { LambdaClient } from '@aws-sdk/client-lambda';
import { SQSClient } from '@aws-sdk/client-sqs';

const clients = [new SQSClient({}), new LambdaClient({})];

export const handler = async () => clients.length;
