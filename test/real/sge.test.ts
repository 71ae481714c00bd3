import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describeReal } from '../helpers/real-schedulers.js';
import { realAccountingScenario } from './accounting-scenario.js';
import { realRetryScenarios } from './retry-scenarios.js';
import { realElasticScenarios } from './elastic-scenarios.js';
import { missingWorkingDir, realInterruptionScenarios, realScenarios, type RealFlavor } from './scenarios.js';

const run = promisify(execFile);

async function qstatJobs(): Promise<Array<{ id: string; name: string; state: string }>> {
  const { stdout } = await run('qstat', ['-xml']);
  const jobs: Array<{ id: string; name: string; state: string }> = [];
  for (const m of stdout.matchAll(/<job_list[^>]*>([\s\S]*?)<\/job_list>/g)) {
    const field = (tag: string) => new RegExp(`<${tag}>([^<]*)</${tag}>`).exec(m[1]!)?.[1] ?? '';
    const tasks = field('tasks');
    jobs.push({ id: tasks && /^\d+$/.test(tasks) ? `${field('JB_job_number')}.${tasks}` : field('JB_job_number'), name: field('JB_name'), state: field('state') });
  }
  return jobs;
}

const real: RealFlavor = {
  flavor: 'sge',
  arrays: true,
  jobsNamed: async (name) => (await qstatJobs()).filter((j) => j.name === name).map((j) => j.id),
  runningJobsNamed: async (name) => (await qstatJobs()).filter((j) => j.name === name && j.state === 'r').map((j) => j.id),
  deleteFromOutside: async (id) => {
    await run('qdel', [id]);
  },
  suspension: {
    suspend: async (id) => void (await run('qmod', ['-sj', id])),
    resume: async (id) => void (await run('qmod', ['-usj', id])),
    suspendedJobsNamed: async (name) => (await qstatJobs()).filter((j) => j.name === name && /s/i.test(j.state)).map((j) => j.id),
  },
  // The job asks the scheduler about itself: its hard resource requests and its queue.
  resourceProbe: 'qstat -j "$JOB_ID" | grep -E "hard resource_list|hard_queue_list"; echo "queue=$QUEUE"',
  resourceExpectations: [/h_rt=600/, /h_vmem=2048M/, /queue=all\.q/],
  queueName: 'all.q',
  // SGE puts a job whose working directory is missing into Eqw (it cannot chdir there).
  trouble: missingWorkingDir(/Eqw/),
};

describeReal('sge', 'real Son of Grid Engine on this machine', () => {
  realScenarios(real);
  realInterruptionScenarios(real);
  realElasticScenarios(real);
  realAccountingScenario(real, { completed: /^exit_status 0$/, exited3: /^exit_status 3$/ });
  // h_vmem is an address-space limit per process here: node cannot start under 1G of it (it
  // reserves address space it never uses), so 300M fails, 600M fails, 1200M runs. h_rt kills
  // a job about 1 s past it; qacct then says failed 37 after ru_wallclock ≥ h_rt.
  realRetryScenarios(real, {
    memory: { request: '300M', taskMegabytes: 1 },
    memoryShows: /could not reserve virtual memory/,
    walltime: { request: 5, taskSeconds: 8 },
  });
});
