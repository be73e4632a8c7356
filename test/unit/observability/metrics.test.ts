import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createMetrics } from '../../../lib/observability/create-metrics.js';
import { MetricCatalog } from '../../../lib/observability/metric-catalog.js';
import { noMetrics } from '../../../lib/observability/metrics.js';
import { createRecordingLogger } from '../fakes/recording-logger.js';

interface Emf {
  _aws: {
    Timestamp: number;
    CloudWatchMetrics: {
      Namespace: string;
      Dimensions: string[][];
      Metrics: { Name: string; Unit: string }[];
    }[];
  };
  [key: string]: unknown;
}

// Powertools writes EMF to stdout, as Lambda wants it; the test reads it there.
let emf: Emf[] = [];
let otherOutput: string[] = [];
beforeEach(() => {
  emf = [];
  otherOutput = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    const text = String(chunk).trim();
    if (text.startsWith('{"_aws"')) emf.push(JSON.parse(text) as Emf);
    else otherOutput.push(text);
    return true;
  });
});
afterEach(() => {
  vi.restoreAllMocks();
});

const definition = (entry: Emf | undefined) => entry?._aws.CloudWatchMetrics[0];

describe('createMetrics (Powertools)', () => {
  it("publishes in namespace Tandem with the catalog's unit and dimensions, plus service and queue", () => {
    const metrics = createMetrics({ defaults: { queue: 'q1' } });
    metrics.add('TaskDuration', 120, { type: 'echo', via: 'redis', outcome: 'succeeded' });
    expect(emf).toHaveLength(0);
    metrics.flush();

    expect(emf).toHaveLength(1);
    expect(definition(emf[0])).toEqual({
      Namespace: 'Tandem',
      Dimensions: [['service', 'queue', 'type', 'via', 'outcome']],
      Metrics: [{ Name: 'TaskDuration', Unit: 'Milliseconds' }],
    });
    expect(emf[0]).toMatchObject({
      service: 'tandem',
      queue: 'q1',
      type: 'echo',
      via: 'redis',
      outcome: 'succeeded',
      TaskDuration: 120,
    });
  });

  it('publishes one object per set of dimension values; a set shares one, and repeats become a list', () => {
    const metrics = createMetrics({ defaults: { queue: 'q1' } });
    metrics.add('TaskOutcome', 2, { via: 'sqs', outcome: 'succeeded' });
    metrics.add('TaskOutcome', 1, { via: 'sqs', outcome: 'dead' });
    metrics.add('ConsumeDuration', 40, { via: 'sqs' });
    metrics.add('BatchItemFailures', 0, { via: 'sqs' });
    metrics.add('RedisReachable', 1);
    metrics.add('ConsumeDuration', 55, { via: 'sqs' });
    metrics.flush();

    const values = emf.map(({ _aws, service: _service, queue: _queue, ...rest }) => rest);
    expect(values).toEqual([
      { via: 'sqs', outcome: 'succeeded', TaskOutcome: 2 },
      { via: 'sqs', outcome: 'dead', TaskOutcome: 1 },
      { via: 'sqs', ConsumeDuration: [40, 55], BatchItemFailures: 0 },
      { RedisReachable: 1 },
    ]);
    expect(definition(emf[3])?.Dimensions).toEqual([['service', 'queue']]);
  });

  it('gives DuplicatesSuppressed one dimension set, at enqueue and at consume alike', () => {
    const metrics = createMetrics({ defaults: { queue: 'q1' } });
    metrics.add('DuplicatesSuppressed', 1, { at: 'enqueue' });
    metrics.add('DuplicatesSuppressed', 0, { at: 'consume' });
    metrics.flush();
    expect(emf.map((entry) => definition(entry)?.Dimensions)).toEqual([
      [['service', 'queue', 'at']],
      [['service', 'queue', 'at']],
    ]);
  });

  it('writes nothing, and warns of nothing, for an invocation without metrics', () => {
    const logger = createRecordingLogger();
    const metrics = createMetrics({ logger });
    metrics.flush();
    metrics.add('Failover', 3);
    metrics.flush();
    metrics.flush();
    expect(emf.map((entry) => entry.Failover)).toEqual([3]);
    expect(logger.lines).toEqual([]);
    expect(otherOutput).toEqual([]);
  });

  it('never throws: a bad value is dropped and a publish that fails is told, not raised', () => {
    const logger = createRecordingLogger();
    // A default dimension named like a metric is an EMF key collision, which Powertools refuses.
    const metrics = createMetrics({ defaults: { Failover: 'x' }, logger });
    metrics.add('TasksPromoted', Number.NaN);
    metrics.add('Failover', 1);
    expect(() => metrics.flush()).not.toThrow();
    metrics.add('TasksPromoted', 4);
    metrics.flush();

    expect(emf.map((entry) => entry.TasksPromoted)).toEqual([4]);
    expect(logger.lines.map((line) => line.message)).toEqual([
      'metric dropped: unknown name or not a finite number',
      'metrics not published',
    ]);
  });

  it('lists a unit and one set of dimension names for every metric', () => {
    for (const [name, spec] of Object.entries(MetricCatalog)) {
      expect(name).toMatch(/^[A-Z][A-Za-z]+$/);
      expect(['Count', 'Milliseconds']).toContain(spec.unit);
      expect(new Set(spec.dimensions).size).toBe(spec.dimensions.length);
    }
  });

  it('type-checks names and dimension keys against the catalog', () => {
    const metrics = noMetrics;
    metrics.add('Enqueued', 1, { via: 'redis' });
    metrics.add(Math.random() > 0.5 ? 'Failover' : 'EnqueueUnavailable', 1);
    // @ts-expect-error: not in the catalog
    metrics.add('Enqueud', 1, { via: 'redis' });
    // @ts-expect-error: a dimension key the entry does not have
    metrics.add('Enqueued', 1, { via: 'redis', at: 'enqueue' });
    // @ts-expect-error: a dimension key missing
    metrics.add('TaskOutcome', 1, { via: 'redis' });
    // @ts-expect-error: its dimensions are required
    metrics.add('QueueDepth', 1);
    // @ts-expect-error: a metric without dimensions of its own takes none
    metrics.add('Failover', 1, { via: 'redis' });
    // @ts-expect-error: the unit is the catalog's, not the caller's
    metrics.add('Enqueued', 1, 'Count', { via: 'redis' });
  });
});
