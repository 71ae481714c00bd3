/** LSF job references: `4711`, `4711[3]`, `"4711[1-3,7]"`. */
export interface LsfIdRequest {
  id: number;
  /** Array indices named, or null for the whole job. */
  indices: number[] | null;
  text: string;
}

export function parseLsfId(text: string): LsfIdRequest | undefined {
  const match = /^(\d+)(?:\[([\d,:-]+)\])?$/.exec(text.trim());
  if (!match) return undefined;
  if (match[2] === undefined) return { id: Number(match[1]), indices: null, text };
  const indices: number[] = [];
  for (const part of match[2].split(',')) {
    const range = /^(\d+)(?:-(\d+)(?::(\d+))?)?$/.exec(part);
    if (!range) return undefined;
    for (let i = Number(range[1]); i <= Number(range[2] ?? range[1]); i += Number(range[3] ?? 1)) indices.push(i);
  }
  return { id: Number(match[1]), indices, text };
}
