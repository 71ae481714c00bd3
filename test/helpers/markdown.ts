/**
 * Reads the parts of the project's Markdown that tests hold to the code: tables (by their first
 * header cell), the `code` spans in a cell, and fenced code blocks with the section they are in.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** README.md and every .md under docs/, as paths relative to the repository. */
export function documentationFiles(): string[] {
  const docs = readdirSync(path.join(ROOT, 'docs'), { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.md'))
    .map((file) => path.join('docs', file))
    .sort();
  return ['README.md', ...docs];
}

export function readDoc(file: string): string {
  return readFileSync(path.join(ROOT, file), 'utf8');
}

/** A table's cells, row by row (header and separator left out). `\|` inside a cell is a `|`. */
export type TableRow = string[];

/**
 * Every table of `text` whose first header cell is `firstHeader` (compared without backticks and
 * case), as rows of trimmed cells.
 */
export function tables(text: string, firstHeader: string): TableRow[][] {
  const found: TableRow[][] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length - 1; i++) {
    if (!lines[i]!.startsWith('|') || !/^\|[\s|:-]+\|$/.test(lines[i + 1]!.trim())) continue;
    const header = cells(lines[i]!);
    if (header[0]!.replace(/`/g, '').toLowerCase() !== firstHeader.toLowerCase()) continue;
    const rows: TableRow[] = [];
    for (let j = i + 2; j < lines.length && lines[j]!.startsWith('|'); j++) rows.push(cells(lines[j]!));
    found.push(rows);
  }
  return found;
}

/** The one table of `text` whose first header cell is `firstHeader`. */
export function table(text: string, firstHeader: string): TableRow[] {
  const found = tables(text, firstHeader);
  if (found.length !== 1) throw new Error(`expected one table headed "${firstHeader}", found ${found.length}`);
  return found[0]!;
}

function cells(line: string): string[] {
  return line
    .trim()
    .replace(/^\||\|$/g, '')
    .split(/(?<!\\)\|/)
    .map((cell) => cell.trim().replace(/\\\|/g, '|'));
}

/** The text of every `code` span in a cell, in order. */
export function codeSpans(cell: string): string[] {
  return [...cell.matchAll(/`([^`]+)`/g)].map((m) => m[1]!);
}

export interface CodeBlock {
  file: string;
  /** 1-based line of the opening fence. */
  line: number;
  language: 'js' | 'ts';
  /** The block's text, unindented as far as its fence was indented. */
  code: string;
}

/** Every ```js and ```ts block of a Markdown text. */
export function codeBlocks(file: string, text: string): CodeBlock[] {
  const blocks: CodeBlock[] = [];
  for (const m of text.matchAll(/^( *)```(js|ts)\n([\s\S]*?)^ *```/gm)) {
    const indent = new RegExp(`^ {0,${m[1]!.length}}`, 'gm');
    const line = text.slice(0, m.index).split('\n').length;
    blocks.push({ file, line, language: m[2] as 'js' | 'ts', code: m[3]!.replace(indent, '') });
  }
  return blocks;
}
