/**
 * Which PBS the front speaks: the `dialect` setting, or per call QMR_DUMMY_PBS_DIALECT
 * (`torque` | `pro`), so that one emulated cluster can serve tests of both.
 */
import type { State } from '../../engine/types.js';
import type { PbsDialect } from './attributes.js';

export function callDialect(state: State, env: NodeJS.ProcessEnv): PbsDialect {
  const requested = env.QMR_DUMMY_PBS_DIALECT;
  if (requested === 'torque' || requested === 'pro') return requested;
  return state.settings.dialect;
}
