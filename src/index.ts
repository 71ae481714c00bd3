/** queue-map-reduce: Array.prototype.map for HPC batch queues. Public exports only. */
export { Pool, type MapCallOptions, type Tasks } from './pool.js';
export type { PoolOptions, Resources, FlavorName } from './options.js';
export type { MapFunction, ModuleFunction } from './function/describe-function.js';
export type { Progress } from './progress/progress.js';
export type { FailureCause } from './trace/failure-cause.js';
export {
  QmrError,
  OptionError,
  FunctionShippingError,
  SerializationError,
  QueueCommandError,
  ResumeMismatchError,
  type QueueCommandFailure,
  AbortError,
  MapError,
  RemoteTaskError,
  type Settled,
  type TaskFailure,
} from './errors.js';
export type { RemoteErrorRecord } from './protocol/chunk-files.js';
