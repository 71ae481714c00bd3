/**
 * The README's and docs/'s JavaScript (and TypeScript) examples, run as written (on the local
 * flavor, with the few names they assume defined first), so that the documentation cannot drift
 * from the API. Each runs as its own ES module in a scratch folder, importing the built package.
 *
 * The README's examples that use names from the text around them have a test each below. Every
 * other block (all of docs/, and the README's self-contained ones) runs as it is, with these
 * marks in a comment: `// qmr-docs: run on local (why)` runs a block written for a cluster with
 * flavor 'local'; `// qmr-docs: skip (why)` does not run it. A line `console.log(...); // text`
 * must print `text`, in order, when every console.log of the block says what it prints.
 */
import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codeBlocks, documentationFiles, readDoc, type CodeBlock } from '../helpers/markdown.js';
import { temporaryFolder } from '../helpers/tmp.js';

const run = promisify(execFile);
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const PACKAGE = pathToFileURL(path.join(ROOT, 'dist', 'src', 'index.js')).href;

let folder: { path: string; cleanup: () => Promise<void> };
let blocks: string[];

beforeAll(async () => {
  folder = await temporaryFolder('qmr-readme-');
  const readme = await readFile(path.join(ROOT, 'README.md'), 'utf8');
  blocks = [...readme.matchAll(/^ *```js\n([\s\S]*?)^ *```/gm)].map((m) => m[1]!.replace(/^ {2}/gm, ''));
});
afterAll(async () => folder?.cleanup());

/** Runs `prelude + block + epilogue` as a module; returns its stdout. */
async function runExample(name: string, prelude: string, block: string, epilogue = ''): Promise<string> {
  const file = path.join(folder.path, `${name}.mjs`);
  const source = `${prelude}\n${block.replace("from 'queue-map-reduce'", `from '${PACKAGE}'`)}\n${epilogue}\n`;
  await writeFile(file, source);
  const { stdout } = await run(process.execPath, [file], { cwd: folder.path, timeout: 120_000 });
  return stdout;
}

const findBlock = (marker: string) => {
  const block = blocks.find((b) => b.includes(marker));
  if (!block) throw new Error(`README has no js example containing ${marker}`);
  return block;
};

describe('README examples', () => {
  it('the first example maps and returns the areas (run on the local flavor)', async () => {
    const block = findBlock("import { Pool } from 'queue-map-reduce'").replace(/flavor: '\w+'/, "flavor: 'local'");
    const out = await runExample('intro', '', block, 'console.log(JSON.stringify(areas));');
    expect(JSON.parse(out)).toEqual([1, 2, 3].map((r) => Math.PI * r * r));
  });

  it('a self-contained function gets what it needs through its tasks', async () => {
    const block = findBlock('({ x, scale }) => x * scale').trim();
    const prelude = `import { Pool } from '${PACKAGE}';\nconst pool = new Pool({ progress: false });\nconst xs = [1, 2, 3];\nconst scale = 10;`;
    const out = await runExample('closure', prelude, `const out = ${block}`, 'console.log(JSON.stringify(out));');
    expect(JSON.parse(out)).toEqual([10, 20, 30]);
  });

  it('a module function is named by module and export', async () => {
    const block = findBlock("export: 'analyse'").trim();
    await writeFile(path.join(folder.path, 'analysis.js'), 'export function analyse(file) { return `analysed ${file}`; }\n');
    await writeFile(path.join(folder.path, 'package.json'), '{ "type": "module" }\n');
    const prelude = `import { Pool } from '${PACKAGE}';\nconst pool = new Pool({ progress: false });\nconst files = ['a.dat', 'b.dat'];`;
    const out = await runExample('module', prelude, `const out = ${block}`, 'console.log(JSON.stringify(out));');
    expect(JSON.parse(out)).toEqual(['analysed a.dat', 'analysed b.dat']);
  });

  it('the results-and-failures example runs: map, settled and imap', async () => {
    const block = findBlock('{ settled: true }');
    const prelude = `import { Pool } from '${PACKAGE}';\nconst pool = new Pool({ progress: false });\nconst fn = (x) => x * 2;\nconst tasks = [1, 2, 3];`;
    const out = await runExample('results', prelude, block, 'console.log(JSON.stringify(settled));');
    expect(JSON.parse(out)).toEqual([2, 4, 6].map((value) => ({ status: 'fulfilled', value })));
  });

  it('the rerun-failed-tasks example runs only the failed tasks with the fixed fn', async () => {
    const block = findBlock("rerunFailed: 'any-fn'");
    // Each execution leaves a line in ran.txt, so the example is judged by what ran.
    const log = "(await import('node:fs')).appendFileSync('ran.txt', `${x}\\n`)";
    const prelude = [
      `import { Pool } from '${PACKAGE}';`,
      'const samples = Array.from({ length: 20 }, (_, i) => i + 1);',
      `const measure = async (x) => { ${log}; if (x % 7 === 0) throw new Error('bug'); return x * 2; };`,
      `const measureFixed = async (x) => { ${log}; return x * 2; };`,
    ].join('\n');
    const out = await runExample('rerun', prelude, block, 'console.log(JSON.stringify(results));');
    const [failed, results] = out.trim().split('\n');
    expect(failed).toBe('2 failed');
    expect(JSON.parse(results!)).toEqual(Array.from({ length: 20 }, (_, i) => (i + 1) * 2));
    const ran = (await readFile(path.join(folder.path, 'ran.txt'), 'utf8')).split('\n').filter(Boolean).map(Number);
    expect(ran.sort((a, b) => a - b)).toEqual([...Array.from({ length: 20 }, (_, i) => i + 1), 7, 14].sort((a, b) => a - b));
  });
});

/** What the README tests above find their blocks by: those blocks need names the text defines. */
const README_BLOCKS_WITH_TESTS = [
  "import { Pool } from 'queue-map-reduce';\n\nconst pool = new Pool({ flavor: 'slurm'",
  '({ x, scale }) => x * scale',
  "export: 'analyse'",
  '{ settled: true }',
  "rerunFailed: 'any-fn'",
];

/** Every block the docs examples test runs as it is: all of docs/, and the rest of the README. */
const standalone = documentationFiles()
  .flatMap((file) => codeBlocks(file, readDoc(file)))
  .filter((block) => block.file !== 'README.md' || !README_BLOCKS_WITH_TESTS.some((marker) => block.code.includes(marker)));

const skipReason = (block: CodeBlock) => /\/\/ qmr-docs: skip \((.+)\)/.exec(block.code)?.[1];

describe('docs examples', () => {
  it('finds the blocks the README tests name', () => {
    const readme = codeBlocks('README.md', readDoc('README.md'));
    for (const marker of README_BLOCKS_WITH_TESTS) expect(readme.filter((b) => b.code.includes(marker))).toHaveLength(1);
  });

  for (const block of standalone) {
    const name = `${block.file}:${block.line} runs${skipReason(block) ? ` (skipped: ${skipReason(block)})` : ''}`;
    it.skipIf(skipReason(block) !== undefined)(name, async () => {
      let code = block.code;
      if (/\/\/ qmr-docs: run on local/.test(code)) code = code.replace(/flavor: '\w+'/g, "flavor: 'local'");
      else expect(code, "a block for a cluster says `// qmr-docs: run on local (why)`").not.toMatch(/flavor: '(?!local)\w+'/);
      if (block.language === 'ts') code = ts.transpileModule(code, { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } }).outputText;
      // A block may name an envScript; the scratch folder has an empty one.
      await writeFile(path.join(folder.path, 'env.sh'), '# sourced by the docs examples\n');
      const out = await runExample(`${block.file.replace(/\W/g, '-')}-${block.line}`, '', code);
      const logs = block.code.split('\n').filter((line) => /^\s*console\.log\(/.test(line));
      const expected = logs.map((line) => /\);\s*\/\/ (.*)$/.exec(line)?.[1]);
      if (logs.length > 0 && expected.every((e) => e !== undefined)) expect(out.trim().split('\n')).toEqual(expected);
    });
  }
});
