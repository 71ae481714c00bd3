/**
 * Identities of a run's inputs, so that a resumed run can be refused when its function or tasks
 * are not those of the first run (mixing results of two different maps would be silent data loss).
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { tokenizer } from 'acorn';
import type { FunctionSpec } from '../protocol/function-file.js';

export function sha256(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/** For a module function the module file's contents count too: an edited module is a different function. */
export async function functionFingerprint(spec: FunctionSpec): Promise<{ hash: string; description: string }> {
  if (spec.kind === 'source') {
    return { hash: sha256(`source\n${tokenText(spec.source)}`), description: `the source of function ${spec.name || '(anonymous)'}` };
  }
  let contents = '';
  if (spec.module.startsWith('file:')) {
    contents = sha256(await readFile(fileURLToPath(spec.module)).catch(() => Buffer.alloc(0)));
  }
  return {
    hash: sha256(`module\n${spec.module}\n${spec.exportName}\n${contents}`),
    description: `export ${spec.exportName} of ${spec.module}`,
  };
}

/**
 * The function's tokens as written, without whitespace and comments: re-indenting or commenting
 * the function does not make it a different function for resume; changing its code does.
 * Each token counts by its source text, not by acorn's value of it: values lose what tells
 * literals apart (a regex's pattern and flags, a template's raw text, a bigint's digits), and two
 * functions that differ there compute different things. A line break between two tokens counts
 * too (as one mark, however many): automatic semicolon insertion makes `return\nx` differ from
 * `return x`.
 */
function tokenText(source: string): string {
  const code = `(${source}\n)`;
  try {
    const tokens: string[] = [];
    let previousEnd = 0;
    for (const token of tokenizer(code, { ecmaVersion: 'latest' })) {
      if (LINE_BREAK.test(code.slice(previousEnd, token.start))) tokens.push('\\n');
      tokens.push(`${token.type.label}:${code.slice(token.start, token.end)}`);
      previousEnd = token.end;
    }
    return tokens.join(' ');
  } catch {
    return source;
  }
}

/** ECMAScript's line terminators (also inside a multi-line comment, which ASI treats as one). */
const LINE_BREAK = /[\n\r\u2028\u2029]/;
