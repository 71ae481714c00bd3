/**
 * Just enough of ClassAds for the emulator: typed values, their printed forms (`-long`, `-af`,
 * `-json`), literals from `+Attr = value` lines, and a small evaluator for `-constraint`
 * (attributes, literals, comparisons, `&&`, `||`, `!`, parentheses). Attribute names are
 * case-insensitive; `==` compares strings case-insensitively, `=?=` exactly, as in ClassAds.
 */

/** null stands for ClassAd's `undefined`; an `expr` is kept as its source text. */
export type ClassAdValue = string | number | boolean | null | { expr: string };
export type ClassAd = Record<string, ClassAdValue>;

export function lookup(ad: ClassAd, name: string): ClassAdValue {
  const key = Object.keys(ad).find((k) => k.toLowerCase() === name.toLowerCase());
  return key === undefined ? null : ad[key]!;
}

/** The value of `+Attr = text` in a submit file. */
export function parseLiteral(text: string): ClassAdValue {
  const t = text.trim();
  if (/^"(?:[^"\\]|\\.)*"$/.test(t)) return t.slice(1, -1).replace(/\\"/g, '"').replace(/\\\\/g, '\\');
  if (/^-?\d+$/.test(t)) return Number(t);
  if (/^-?\d*\.\d+(e-?\d+)?$/i.test(t)) return Number(t);
  if (/^true$/i.test(t)) return true;
  if (/^false$/i.test(t)) return false;
  if (/^undefined$/i.test(t)) return null;
  return { expr: t };
}

/** ClassAd source form (`-long`, `-af:V`): strings quoted. */
export function classAdText(value: ClassAdValue): string {
  if (value === null) return 'undefined';
  if (typeof value === 'string') return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
  if (typeof value === 'object') return value.expr;
  return String(value);
}

/** `-af` form: strings as they are. */
export function rawText(value: ClassAdValue): string {
  return typeof value === 'string' ? value : classAdText(value);
}

export function jsonValue(value: ClassAdValue): string {
  if (value === null) return 'null';
  if (typeof value === 'object') return JSON.stringify(`\/Expr(${value.expr})\/`);
  return JSON.stringify(value);
}

// ---- constraint evaluation ----

type Token = { kind: 'op' | 'id' | 'num' | 'str'; text: string };

function tokenize(expr: string): Token[] {
  const tokens: Token[] = [];
  const pattern = /\s*(=\?=|=!=|==|!=|<=|>=|&&|\|\||[<>!()]|"(?:[^"\\]|\\.)*"|-?\d+(?:\.\d+)?|[A-Za-z_][\w.]*)/gy;
  let match: RegExpExecArray | null;
  let position = 0;
  while (position < expr.length && (match = pattern.exec(expr))) {
    const text = match[1]!;
    position = pattern.lastIndex;
    if (text.startsWith('"')) tokens.push({ kind: 'str', text: text.slice(1, -1).replace(/\\"/g, '"') });
    else if (/^-?\d/.test(text)) tokens.push({ kind: 'num', text });
    else if (/^[A-Za-z_]/.test(text)) tokens.push({ kind: 'id', text });
    else tokens.push({ kind: 'op', text });
  }
  if (expr.slice(position).trim() !== '') throw new Error(`cannot parse constraint near: ${expr.slice(position)}`);
  return tokens;
}

type Value = string | number | boolean | null;

export function evaluateConstraint(expr: string, ad: ClassAd): boolean {
  const tokens = tokenize(expr);
  let i = 0;
  const peek = () => tokens[i]?.text;
  const primary = (): Value => {
    const token = tokens[i++];
    if (!token) throw new Error('unexpected end of constraint');
    if (token.text === '(') {
      const value = or();
      if (tokens[i++]?.text !== ')') throw new Error('missing )');
      return value;
    }
    if (token.text === '!') {
      const value = primary();
      return value === null ? null : !value;
    }
    if (token.kind === 'str') return token.text;
    if (token.kind === 'num') return Number(token.text);
    if (token.kind === 'id') {
      if (/^true$/i.test(token.text)) return true;
      if (/^false$/i.test(token.text)) return false;
      if (/^undefined$/i.test(token.text)) return null;
      const value = lookup(ad, token.text);
      return typeof value === 'object' && value !== null ? null : value;
    }
    throw new Error(`unexpected ${token.text}`);
  };
  const comparison = (): Value => {
    let left = primary();
    while (['==', '!=', '=?=', '=!=', '<', '<=', '>', '>='].includes(peek() ?? '')) {
      const op = tokens[i++]!.text;
      const right = primary();
      if (op === '=?=' || op === '=!=') {
        const same = left === right;
        left = op === '=?=' ? same : !same;
        continue;
      }
      if (left === null || right === null) {
        left = null;
        continue;
      }
      const a = typeof left === 'string' && typeof right === 'string' ? left.toLowerCase() : left;
      const b = typeof left === 'string' && typeof right === 'string' ? right.toLowerCase() : right;
      left = op === '==' ? a === b : op === '!=' ? a !== b : op === '<' ? a < b : op === '<=' ? a <= b : op === '>' ? a > b : a >= b;
    }
    return left;
  };
  const and = (): Value => {
    let left = comparison();
    while (peek() === '&&') {
      i++;
      const right = comparison();
      left = left === false || right === false ? false : left === null || right === null ? null : Boolean(left) && Boolean(right);
    }
    return left;
  };
  const or = (): Value => {
    let left = and();
    while (peek() === '||') {
      i++;
      const right = and();
      left = left === true || right === true ? true : left === null || right === null ? null : Boolean(left) || Boolean(right);
    }
    return left;
  };
  const result = or();
  if (i < tokens.length) throw new Error(`unexpected ${tokens[i]!.text}`);
  return result === true;
}
