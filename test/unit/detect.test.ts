import { describe, expect, it } from 'vitest';
import { isGridEngineHelp } from '../../src/queues/sge/definition.js';

describe('flavor auto-detection', () => {
  it('knows Grid Engine from the first line of qsub -help', () => {
    expect(isGridEngineHelp('SGE 8.1.9\nusage: qsub [options]')).toBe(true);
    expect(isGridEngineHelp('UGE 8.6.4\n')).toBe(true);
    expect(isGridEngineHelp('usage: qsub [-a date_time] ... (PBS)')).toBe(false);
  });
});
