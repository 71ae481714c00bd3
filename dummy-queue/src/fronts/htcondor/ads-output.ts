/**
 * Printing job ads like condor_q/condor_history: `-json` (an array whose objects are separated by
 * lines holding a lone comma; nothing at all when no ad matches), `-jsonl`, `-af` with its
 * qualifiers, `-format`, `-long`, and the tables meant for people.
 */
import { classAdText, jsonValue, lookup, rawText, type ClassAd } from './classad.js';

function limited(ad: ClassAd, attributes: readonly string[] | undefined): [string, ClassAd[string]][] {
  const entries = attributes ? attributes.map((name): [string, ClassAd[string]] => [Object.keys(ad).find((k) => k.toLowerCase() === name.toLowerCase()) ?? name, lookup(ad, name)]).filter(([, v]) => v !== null) : Object.entries(ad);
  return entries.sort((a, b) => a[0].toLowerCase().localeCompare(b[0].toLowerCase()));
}

export function formatJson(ads: readonly ClassAd[], attributes?: readonly string[]): string {
  if (ads.length === 0) return '';
  const objects = ads.map((ad) => `{\n${limited(ad, attributes).map(([k, v]) => `  ${JSON.stringify(k)}: ${jsonValue(v)}`).join(',\n')}\n}`);
  return `[\n${objects.join('\n,\n')}\n]\n`;
}

export function formatJsonLines(ads: readonly ClassAd[], attributes?: readonly string[]): string {
  return ads.map((ad) => `{${limited(ad, attributes).map(([k, v]) => `${JSON.stringify(k)}:${jsonValue(v)}`).join(',')}}\n`).join('');
}

export function formatLong(ads: readonly ClassAd[], attributes?: readonly string[]): string {
  return ads.map((ad) => `${limited(ad, attributes).map(([k, v]) => `${k} = ${classAdText(v)}\n`).join('')}\n`).join('');
}

/** `-af[:jhlVr,tng] attr...`. */
export function formatAutoformat(ads: readonly ClassAd[], attributes: readonly string[], qualifiers: string): string {
  const has = (q: string) => qualifiers.includes(q);
  const separator = has(',') ? ',' : has('t') ? '\t' : has('n') ? '\n' : ' ';
  const render = (ad: ClassAd, name: string) => {
    const value = lookup(ad, name);
    const text = has('V') || has('r') ? classAdText(value) : rawText(value);
    return has('l') ? `${name} = ${text}` : text;
  };
  const lines: string[] = [];
  if (has('h')) lines.push([...(has('j') ? ['ID'] : []), ...attributes].join(separator));
  for (const ad of ads) {
    const cells = attributes.map((name) => render(ad, name));
    if (has('j')) cells.unshift(`${lookup(ad, 'ClusterId')}.${lookup(ad, 'ProcId')}`);
    lines.push(cells.join(separator));
  }
  return lines.map((l) => `${l}\n`).join(has('g') ? '\n' : '');
}

/** `-format "%d %s\n" Attr`: printf with the ad's value. */
export function formatPrintf(ads: readonly ClassAd[], formats: readonly { format: string; attribute: string }[]): string {
  const unescape = (s: string) => s.replace(/\\n/g, '\n').replace(/\\t/g, '\t');
  return ads
    .map((ad) =>
      formats
        .map(({ format, attribute }) => {
          const value = lookup(ad, attribute);
          return unescape(format).replace(/%[-\d.]*[dsfvV]/g, (spec) => (spec.endsWith('V') ? classAdText(value) : rawText(value)));
        })
        .join(''),
    )
    .join('');
}
