/**
 * What the flavor unit tests (test/unit/<flavor>.test.ts) share: the submit request they build
 * commands for, a compact form of parsed statuses, command results made in place, and the
 * verdicts on captured cancel answers.
 */
import type { CommandResult, JobStatus, SubmitRequest } from '../../src/queues/queue.js';
import { fixtureResult } from './fixtures.js';

/**
 * A four-chunk array of job.sh in /w, asking 90 s, 2G and 2 CPUs for account `proj`; each flavor
 * adds its own queue, throttle and extra submit arguments (`resources` merge into these).
 */
export function submitRequest(overrides: Partial<SubmitRequest> = {}): SubmitRequest {
  const { resources, ...rest } = overrides;
  return {
    chunks: [0, 1, 2, 5],
    array: true,
    throttle: undefined,
    jobName: 'qmr-abc',
    script: '/w/run/job.sh',
    schedulerLogDir: '/w/run/logs/scheduler',
    workingDir: '/w',
    submitArgs: [],
    ...rest,
    resources: { walltime: 90, memory: '2G', cpus: 2, account: 'proj', ...resources },
  };
}

/** `id → state:native[:outcome][:fatal]`, for compact expectations on parsed statuses. */
export function brief(statuses: Map<string, JobStatus>): Record<string, string> {
  return Object.fromEntries(
    [...statuses].map(([id, s]) => [id, [s.state, s.native, s.outcome, s.fatal ? 'fatal' : undefined].filter(Boolean).join(':')]),
  );
}

/** What `file` answered, for output written in the test rather than captured. */
export function commandResult(file: string, stdout: string, exitCode = 0, stderr = ''): CommandResult {
  return { command: { file, args: [] }, exitCode, stdout, stderr, timedOut: false };
}

/** Whether `flavor` takes each captured cancel answer (fixture of test/fixtures/<folder>, exit code) for a failure. */
export function cancelVerdicts(
  flavor: { cancelFailed(result: CommandResult): boolean },
  folder: string,
  answers: ReadonlyArray<readonly [fixture: string, exitCode: number]>,
): boolean[] {
  return answers.map(([name, exitCode]) => flavor.cancelFailed(fixtureResult(folder, name, exitCode)));
}
