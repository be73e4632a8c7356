import fc from 'fast-check';
import type { EventsReport } from '../../../lib/triggers/index.js';
import { eventBridgeEvent, s3Record, snsEvent } from '../../support/lambda-events.js';
import { removed, withField } from '../../support/with-field.js';

/** A generated record and what the handler must make of it. */
export interface RecordItem {
  record: unknown;
  outcome: 'enqueued' | 'rejected' | 'ignored';
  source: EventsReport['rejected'][number]['source'];
  /** For a good S3 record: the object key its task must carry, decoded. */
  objectKey?: string;
}

export const MAPPED_TOPIC = 'orders';
export const recordsMapping = {
  snsTopicTaskTypes: { [MAPPED_TOPIC]: 'record' },
  s3TaskType: 'object-created',
};

export const huge = 'x'.repeat(300_000);
const deep = `${'['.repeat(10_000)}${']'.repeat(10_000)}`;
const task = (payload: unknown) => JSON.stringify({ type: 'record', payload });

export function snsRecord(
  message: string,
  { topic = 'tandem-tasks', messageId = undefined as string | undefined } = {},
) {
  const [record] = snsEvent([{ message, topic }]).Records;
  return messageId === undefined
    ? withField(record, ['Sns', 'MessageId'], removed)
    : withField(record, ['Sns', 'MessageId'], messageId);
}

/** A good SNS record, made unique by its position: a task as JSON, or any text on the mapped topic. */
const goodSns = fc
  .record({
    mapped: fc.boolean(),
    withId: fc.boolean(),
    timestamp: fc.option(fc.constantFrom('2030-01-01T00:00:00.000Z', '2030-01-01T00:00:01.000Z'), {
      nil: undefined,
    }),
    data: fc.jsonValue({ maxDepth: 2 }),
    text: fc.string({ maxLength: 40 }),
  })
  .map((spec) => (index: number): RecordItem => {
    const message = spec.mapped ? `note ${index}: ${spec.text}` : task({ n: index, data: spec.data });
    const record = snsRecord(message, {
      topic: spec.mapped ? MAPPED_TOPIC : 'tandem-tasks',
      ...(spec.withId && { messageId: `m-${index}` }),
    });
    const timed = withField(record, ['Sns', 'Timestamp'], spec.timestamp ?? removed);
    return { record: timed, outcome: 'enqueued', source: 'sns' };
  });

/** A good S3 object creation, its key unique by position, URL-encoded as S3 does. */
const goodS3 = fc
  .record({
    name: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 30 }),
    size: fc.nat(),
    withSequencer: fc.boolean(),
  })
  .map((spec) => (index: number): RecordItem => {
    const objectKey = `${index}/${spec.name}`;
    const key = encodeURIComponent(objectKey).replace(/%20/g, '+');
    const record = s3Record({ key, size: spec.size, sequencer: `SEQ${index}` });
    const sequenced = spec.withSequencer ? record : withField(record, ['s3', 'object', 'sequencer'], removed);
    return { record: sequenced, outcome: 'enqueued', source: 's3', objectKey };
  });

const ignoredS3 = fc
  .constantFrom(
    'ObjectRemoved:Delete',
    'ObjectRestore:Completed',
    'LifecycleExpiration:Delete',
    'ObjectTagging:Put',
  )
  .map(
    (eventName) => (): RecordItem => ({
      record: s3Record({ key: 'gone.txt', eventName }),
      outcome: 'ignored',
      source: 's3',
    }),
  );

/** A field of a good record, and values that make it bad. */
const badSnsFields: [string[], unknown[]][] = [
  [['Sns'], [removed, null, 'text', []]],
  [
    ['Sns', 'TopicArn'],
    [removed, null, 5, '', huge],
  ],
  [
    ['Sns', 'Message'],
    [removed, null, 5, {}],
  ],
  [
    ['Sns', 'MessageId'],
    [null, 5, [], 'm'.repeat(300)],
  ],
  [
    ['Sns', 'Timestamp'],
    [5, {}, 't'.repeat(100)],
  ],
];
const badMessages = [
  'not json',
  '[]',
  '5',
  'null',
  huge,
  deep,
  '{"type":"no-such-type"}',
  '{"type":"record","extra":1}',
  '{"__proto__":{"type":"record"},"payload":1}',
  '{"type":"record","idempotencyKey":""}',
  `{"type":"record","payload":${'['.repeat(40)}${']'.repeat(40)}}`,
];
const badSns = fc
  .oneof(
    fc
      .constantFrom(...badSnsFields)
      .chain(([path, values]) =>
        fc
          .constantFrom(...values)
          .map((value) => withField(snsRecord(task(1), { messageId: 'bad' }), path, value)),
      ),
    fc.constantFrom(...badMessages).map((message) => snsRecord(message, { messageId: 'bad' })),
    // On the mapped topic any text is a payload: only a payload the task cannot carry is bad.
    fc
      .constantFrom(deep, `${'{"a":'.repeat(40)}1${'}'.repeat(40)}`)
      .map((message) => snsRecord(message, { topic: MAPPED_TOPIC })),
  )
  .map((record) => (): RecordItem => ({ record, outcome: 'rejected', source: 'sns' }));

const badS3Fields: [string[], unknown[]][] = [
  [
    ['s3', 'object', 'key'],
    ['%', '%zz', 'a%2', '%E0%A4%A', '%ED%A0%80', '%FF', '%C0%AF', null, 5, '', 'k'.repeat(5000)],
  ],
  [
    ['s3', 'object'],
    [removed, null, 'obj'],
  ],
  [
    ['s3', 'bucket'],
    [removed, null, { name: '' }, { name: 5 }, { name: huge }],
  ],
  [['s3'], [removed, null, []]],
  [
    ['s3', 'object', 'size'],
    [-1, '1', null],
  ],
  [
    ['s3', 'object', 'eTag'],
    [5, null],
  ],
  [
    ['s3', 'object', 'sequencer'],
    ['', 5],
  ],
  [['eventName'], [removed, 5, null]],
  [['eventTime'], [5]],
];
const badS3 = fc
  .oneof(
    fc
      .constantFrom(...badS3Fields)
      .chain(([path, values]) =>
        fc.constantFrom(...values).map((value) => withField(s3Record({ key: 'bad.txt' }), path, value)),
      ),
    fc.string({ maxLength: 40 }).map((text) => s3Record({ key: `${encodeURIComponent(text)}%` })),
    fc.constant(
      withField(
        withField(s3Record({ key: 'a' }), ['eventTime'], removed),
        ['s3', 'object', 'sequencer'],
        removed,
      ),
    ),
  )
  .map((record) => (): RecordItem => ({ record, outcome: 'rejected', source: 's3' }));

/** Anything at all: no source claims it. */
const garbage = fc
  .oneof(
    fc.anything({ maxDepth: 2 }),
    fc.constantFrom(null, 0, '', [], {}, true, { eventSource: 'aws:kinesis' }, { EventSource: 'aws:sqs' }),
    fc.constant(eventBridgeEvent({ tandem: { type: 'record' } })),
  )
  .map((record) => (): RecordItem => ({ record, outcome: 'rejected', source: 'unknown' }));

/**
 * Up to 12 records of every kind, good, bad and ignored, each told apart from its siblings by its position,
 * so no two good ones are the same record.
 */
export const recordItems = fc
  .array(fc.oneof(goodSns, goodS3, ignoredS3, badSns, badS3, garbage), { maxLength: 12 })
  .map((makers) => makers.map((make, index) => make(index)));

export const withOutcome = (all: RecordItem[], outcome: RecordItem['outcome']) =>
  all.filter((item) => item.outcome === outcome);
