import { describe, expect, it } from 'vitest';
import { functionFingerprint } from '../../src/resume/fingerprint.js';

const hashOf = async (source: string) => (await functionFingerprint({ kind: 'source', source, name: 'f' })).hash;

describe('functionFingerprint of a shipped source', () => {
  // Each pair computes different things: a resume must never take one for the other.
  const different: Array<[string, string]> = [
    ['(s) => /a/.test(s)', '(s) => /b/.test(s)'],
    ['(s) => /A/.test(s)', '(s) => /A/i.test(s)'],
    ['(s) => s.replace(/x/g, "y")', '(s) => s.replace(/x/gu, "y")'],
    ['(x) => `a${x}b`', '(x) => `a${x}c`'],
    ['(x) => String.raw`\\unicode${x}`', '(x) => String.raw`\\xyz${x}`'],
    ['(x) => x * 10n', '(x) => x * 11n'],
    ['(x) => x * 1e3', '(x) => x * 1e4'],
    ['(x) => x + 0x10', '(x) => x + 0x11'],
    ['(x) => x + "a"', "(x) => x + 'b'"],
    ['(x) => { return x }', '(x) => { return\nx }'],
    ['(x) => { let y = x\n++x; return y }', '(x) => { let y = x++\nx; return y }'],
  ];
  it.each(different)('tells %j from %j', async (a, b) => {
    expect(await hashOf(a)).not.toBe(await hashOf(b));
  });

  // Whitespace and comments change nothing the function computes.
  const same: Array<[string, string]> = [
    ['(x) => /a b/.test(x)', '(x)   =>   /a b/.test( x ) // why'],
    ['(x) => {\n  const y = x * 2;\n  return y;\n}', '(x) => {\n\n      /* doubled */ const y = x * 2; // twice\n    return y;\n}'],
    ['(x) => `a ${ x } b`', '(x) => `a ${x} b`'],
  ];
  it.each(same)('takes %j for %j', async (a, b) => {
    expect(await hashOf(a)).toBe(await hashOf(b));
  });
});
