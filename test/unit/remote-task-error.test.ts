import { describe, expect, it } from 'vitest';
import { RemoteTaskError, type TaskFailure } from '../../src/errors.js';
import { describeFailures } from '../../src/map/outcomes.js';
import { errorRecord } from '../../worker/run-chunk.js';

function failureOf(thrown: unknown): TaskFailure {
  const remote = errorRecord(thrown);
  return { index: 3, chunk: 1, jobId: '42', remote, message: `${remote.name}: ${remote.message}`, stdoutPath: 'o', stderrPath: 'e' };
}

describe('RemoteTaskError and what a task threw', () => {
  it("keeps its own fields and prototype whatever properties the thrown error had", () => {
    // Properties named like the error's own fields, and a JSON-born own __proto__ key.
    const thrown = Object.assign(new Error('x'), { failure: 'not a failure', props: 1, remoteName: 2, code: 'E_X' });
    const failure = failureOf(thrown);
    failure.remote!.props = { ...failure.remote!.props, ...(JSON.parse('{"__proto__": {"polluted": true}, "message": "m2"}') as object) };
    const error = new RemoteTaskError(failure);
    expect(error).toBeInstanceOf(RemoteTaskError);
    expect(error.failure.index).toBe(3);
    expect(error.remoteName).toBe('Error');
    expect(error.message).toBe('Error: x');
    expect((error as unknown as { polluted?: boolean }).polluted).toBeUndefined();
    // The thrown values stay readable in props; the harmless ones are on the error too.
    expect(error.props.failure).toBe('not a failure');
    expect((error as unknown as { code: string }).code).toBe('E_X');
    expect(describeFailures([error.failure], 4, '')).toContain('task 3 (chunk 1, job 42): Error: x');
  });

  it('records an error whose name, message, stack or properties are not text, or throw when read', () => {
    const thrown = new Error('y');
    Object.defineProperty(thrown, 'stack', { value: { not: 'text' } });
    Object.defineProperty(thrown, 'name', { value: 7 });
    Object.defineProperty(thrown, 'bad', {
      enumerable: true,
      get() {
        throw new Error('getter fails');
      },
    });
    const record = errorRecord(thrown);
    expect(record).toMatchObject({ name: '7', message: 'y', stack: '{"not":"text"}' });
    expect(record.props?.bad).toBe('(reading it threw: getter fails)');
    expect(() => describeFailures([failureOf(thrown)], 1, '')).not.toThrow();
  });
});
