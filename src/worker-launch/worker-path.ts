/**
 * Where the worker program is. From the built package (dist/src/...) it sits at
 * dist/worker/main.js; when this module runs from source (tests run src/*.ts directly), the
 * worker is still the built one, since worker nodes run plain node on plain JavaScript.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export function workerProgramPath(): string {
  const besideUs = fileURLToPath(new URL('../../worker/main.js', import.meta.url));
  if (existsSync(besideUs)) return besideUs;
  const built = fileURLToPath(new URL('../../dist/worker/main.js', import.meta.url));
  if (existsSync(built)) return built;
  throw new Error(`the worker program is missing (looked for ${besideUs} and ${built}); run \`npm run build\``);
}
