/**
 * docs/resume-and-cli.md's table of qmr commands against the commands themselves: the same
 * commands as `qmr --help` lists, and for each the same long options as its `--help` (besides
 * --help), so the docs name every option and none that is gone.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { codeSpans, readDoc, ROOT, table } from '../helpers/markdown.js';

const run = promisify(execFile);
const QMR = path.join(ROOT, 'dist', 'src', 'cli', 'main.js');
const help = async (...args: string[]) => (await run(process.execPath, [QMR, ...args, '--help'])).stdout;

const rows = table(readDoc('docs/resume-and-cli.md'), 'command');
const documented = new Map(rows.map((row) => [codeSpans(row[0]!)[0]!.split(' ')[1]!, codeSpans(row[1]!)]));

describe('docs/resume-and-cli.md qmr table', () => {
  it('names every command qmr --help lists', async () => {
    const listed = [...(await help()).matchAll(/^ {2}(\w+) (?:\[options\]|\[command\]|<)/gm)].map((m) => m[1]!).filter((c) => c !== 'help');
    expect([...documented.keys()].sort()).toEqual(listed.sort());
  });

  it.each([...documented.keys()])('qmr %s: the options its --help lists', async (command) => {
    const options = [...(await help(command)).matchAll(/^ {2}(?:-\w, )?(--[\w-]+)/gm)].map((m) => m[1]!).filter((o) => o !== '--help');
    expect([...documented.get(command)!].sort()).toEqual(options.sort());
  });
});
