/**
 * HTCondor's two syntaxes for `arguments` and `environment`. New syntax: the whole value in
 * double quotes, whitespace separates, single quotes group (`''` is a literal quote), `""` is a
 * literal double quote. Old syntax: whitespace-separated arguments; `A=1;B=2` environments.
 */

import { splitWords, type WordSyntax } from '../common/words.js';

/** Inside the new syntax's double quotes: single quotes group, `''` in them is a quote, `""` a double quote. */
const NEW_SYNTAX: WordSyntax = {
  quotes: "'",
  escape: (text, i, quote) => {
    const pair = quote === "'" ? "''" : quote === null ? '""' : undefined;
    return pair !== undefined && text.startsWith(pair, i) ? { text: pair[0]!, length: 2 } : undefined;
  },
};

const splitNewSyntax = (inner: string): string[] => splitWords(inner, NEW_SYNTAX);

export function parseArguments(value: string): string[] {
  const v = value.trim();
  if (v.startsWith('"') && v.endsWith('"') && v.length >= 2) return splitNewSyntax(v.slice(1, -1));
  return v.split(/\s+/).filter(Boolean).map((w) => w.replace(/\\"/g, '"'));
}

export function parseEnvironment(value: string): Record<string, string> {
  const v = value.trim();
  const entries = v.startsWith('"') && v.endsWith('"') ? splitNewSyntax(v.slice(1, -1)) : v.split(';').map((e) => e.trim()).filter(Boolean);
  const out: Record<string, string> = {};
  for (const entry of entries) {
    const eq = entry.indexOf('=');
    if (eq > 0) out[entry.slice(0, eq)] = entry.slice(eq + 1);
  }
  return out;
}
