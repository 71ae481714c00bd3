/**
 * Tasks for the rerun-failed scenarios (emulated and real schedulers): each execution of a task
 * appends its number to a file, so "only the failed tasks ran again" is judged by what ran; a
 * second file says which tasks throw ("2,7") or kill their job ("exit 7"), and the test edits it
 * to "fix the input" between runs.
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';

export interface RerunTask {
  x: number;
  runs: string;
  bad: string;
}

/** Shipped as source to the workers: self-contained. */
export const flaky = async (t: RerunTask) => {
  const fs = await import('node:fs');
  fs.appendFileSync(t.runs, `${t.x}\n`);
  const bad = fs.readFileSync(t.bad, 'utf8');
  if (bad === `exit ${t.x}`) process.exit(3);
  if (bad.split(',').includes(String(t.x))) throw new Error(`input ${t.x} is broken`);
  return t.x * 10;
};

export async function rerunTasks(dir: string, count: number, bad: string): Promise<{ tasks: RerunTask[]; ran: () => Promise<number[]>; setBad: (text: string) => Promise<void> }> {
  const runs = path.join(dir, 'runs');
  const badFile = path.join(dir, 'bad');
  await writeFile(runs, '');
  await writeFile(badFile, bad);
  return {
    tasks: Array.from({ length: count }, (_, x) => ({ x, runs, bad: badFile })),
    ran: async () => (await readFile(runs, 'utf8')).split('\n').filter(Boolean).map(Number).sort((a, b) => a - b),
    setBad: (text) => writeFile(badFile, text),
  };
}
