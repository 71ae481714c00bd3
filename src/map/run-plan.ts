/**
 * How a map's tasks are laid out: static chunks (chunking.ts) or an elastic map's units and
 * workers (elastic/plan.ts), for a new run; or, on resume, the layout the first run recorded
 * (checked against this one's tasks and function by resume-check.ts).
 */
import { planChunks, type ChunkPlan } from './chunking.js';
import { WALLTIME_MARGIN_SECONDS } from '../protocol/elastic/claim-size.js';
import { planElastic, type ElasticPlan } from '../elastic/plan.js';
import { OptionError } from '../errors.js';
import { parseWalltimeSeconds, type ResolvedOptions } from '../options.js';
import type { Queue } from '../queues/queue.js';
import { checkResume, type ResumeInputs } from '../resume/resume-check.js';
import type { RecordedRun } from '../resume/journal-replay.js';

export interface RunPlan {
  plan: ChunkPlan;
  /** Set for elastic maps: worker jobs claim the chunks (units) instead of one job per chunk. */
  elasticPlan: ElasticPlan | undefined;
}

/** The layout of the run being resumed; throws ResumeMismatchError when this map is not that run. */
export function recordedPlan(recorded: RecordedRun, input: ResumeInputs): RunPlan {
  const plan = checkResume(recorded, input);
  const elastic = recorded.fingerprint?.elastic;
  if (!elastic) return { plan, elasticPlan: undefined };
  return {
    plan,
    elasticPlan: {
      unitSize: plan.chunkSize,
      ...(elastic.growUpTo !== undefined ? { growUpTo: elastic.growUpTo } : {}),
      ...(plan.bulk ? { bulk: { size: plan.bulk.size, units: plan.bulk.chunks } } : {}),
      units: plan.numChunks,
      workers: elastic.workers,
      ceiling: elastic.workers,
      rule: `elastic: ${elastic.workers} workers (recorded by the first run)`,
    },
  };
}

/**
 * A new run's layout. Elastic when nothing fixes the chunks (neither chunkSize nor numChunks)
 * and arrays are on and supported; the queue is asked for its size only when the plan needs it.
 */
export async function freshPlan(tasks: number | undefined, options: ResolvedOptions, queue: Queue): Promise<RunPlan> {
  const unsized = options.chunkSize === undefined && options.numChunks === undefined;
  const elastic = unsized && options.elastic && options.arrays && queue.supportsArrays;
  if (elastic) checkWalltimeFitsAWorker(options.resources.walltime);
  const info = elastic || (unsized && tasks !== undefined) ? await queue.info(options.resources) : {};
  if (!elastic) return { plan: planChunks(tasks, options, info.slots), elasticPlan: undefined };
  const elasticPlan = planElastic({
    tasks,
    slots: info.slots,
    maxWorkers: options.maxWorkers,
    maxArraySize: options.maxArraySize ?? info.maxArraySize,
  });
  const { growUpTo, bulk } = elasticPlan;
  return {
    plan: {
      chunkSize: elasticPlan.unitSize,
      ...(growUpTo !== undefined ? { growing: true, growUpTo } : {}),
      ...(bulk ? { bulk: { size: bulk.size, chunks: bulk.units } } : {}),
      numChunks: elasticPlan.units,
      rule: elasticPlan.rule,
    },
    elasticPlan,
  };
}

/**
 * An elastic worker stops claiming WALLTIME_MARGIN_SECONDS (or a tenth of its walltime) before
 * its walltime, to write its results and exit. Under a walltime of that margin or less it could
 * never run a unit: each worker would exit at once and be replaced, forever. Refused before
 * anything is submitted.
 */
function checkWalltimeFitsAWorker(walltime: number | string | undefined): void {
  if (walltime === undefined) return;
  const seconds = parseWalltimeSeconds(walltime);
  if (seconds > WALLTIME_MARGIN_SECONDS) return;
  throw new OptionError(
    'resources.walltime',
    walltime,
    `more than ${WALLTIME_MARGIN_SECONDS} s for elastic workers (a worker stops claiming units ${WALLTIME_MARGIN_SECONDS} s before its walltime, ` +
      `to write its results and exit, so ${seconds} s leaves it no time to run one); give a longer walltime, or \`elastic: false\` for static chunks`,
  );
}
