/**
 * The emulator's one word splitter, in its two syntaxes: the shell quoting of directive lines and
 * Torque's `qsub -F`, and HTCondor's new `arguments`/`environment` syntax.
 */
import { describe, expect, it } from 'vitest';
import { splitWords } from '../../dummy-queue/src/fronts/common/words.js';
import { parseArguments, parseEnvironment } from '../../dummy-queue/src/fronts/htcondor/arguments.js';

describe('the dummy-queue word splitter', () => {
  it('splits shell words: quotes group, a backslash escapes outside single quotes, an empty quoted word stays', () => {
    expect(splitWords(`-N "my job" -l h_rt=1:00`)).toEqual(['-N', 'my job', '-l', 'h_rt=1:00']);
    expect(splitWords(`a\\ b 'c\\d' "e\\"f" '' x`)).toEqual(['a b', 'c\\d', 'e"f', '', 'x']);
    expect(splitWords(`  \t `)).toEqual([]);
    expect(splitWords(`end\\`)).toEqual(['end\\']);
  });

  it("reads HTCondor's new syntax: single quotes group, '' and \"\" are literal quotes, backslashes are plain", () => {
    expect(parseArguments(`"'/w/run/job.sh' '--chunks' '0-2,5' 'it''s' say""hi"" a\\b"`)).toEqual([
      '/w/run/job.sh', '--chunks', '0-2,5', "it's", 'say"hi"', 'a\\b',
    ]);
    expect(parseArguments(`a b  c`)).toEqual(['a', 'b', 'c']);
    expect(parseEnvironment(`"QMR_JOB_ID=$(Cluster).$(Process) 'A=x y'"`)).toEqual({ QMR_JOB_ID: '$(Cluster).$(Process)', A: 'x y' });
    expect(parseEnvironment('A=1; B=2')).toEqual({ A: '1', B: '2' });
  });
});
