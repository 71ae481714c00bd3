/**
 * HTCondor's two syntaxes for `arguments` and `environment`. New syntax: the whole value in
 * double quotes, whitespace separates, single quotes group (`''` is a literal quote), `""` is a
 * literal double quote. Old syntax: whitespace-separated arguments; `A=1;B=2` environments.
 */

function splitNewSyntax(inner: string): string[] {
  const words: string[] = [];
  let current = '';
  let inWord = false;
  let quoted = false;
  for (let i = 0; i < inner.length; i++) {
    const c = inner[i]!;
    if (quoted) {
      if (c === "'" && inner[i + 1] === "'") {
        current += "'";
        i++;
      } else if (c === "'") {
        quoted = false;
      } else {
        current += c;
      }
    } else if (c === "'") {
      quoted = true;
      inWord = true;
    } else if (c === '"' && inner[i + 1] === '"') {
      current += '"';
      inWord = true;
      i++;
    } else if (/\s/.test(c)) {
      if (inWord) words.push(current);
      current = '';
      inWord = false;
    } else {
      current += c;
      inWord = true;
    }
  }
  if (inWord) words.push(current);
  return words;
}

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
