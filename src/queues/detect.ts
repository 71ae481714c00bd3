/**
 * flavor: 'auto': the scheduler whose submit command is on PATH (or given in `commands`), asking
 * the flavors in their detection rank (each flavor's definition says its command and, where
 * another flavor shares it, how to tell them apart). Nothing found: the local flavor.
 */
import { accessSync, constants } from 'node:fs';
import path from 'node:path';
import type { FlavorName } from './flavor-names.js';
import { FLAVOR_DEFINITIONS } from './registry.js';

export function findOnPath(command: string, pathVariable = process.env.PATH ?? ''): string | undefined {
  if (command.includes('/')) return isExecutable(command) ? command : undefined;
  for (const dir of pathVariable.split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, command);
    if (isExecutable(candidate)) return candidate;
  }
  return undefined;
}

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

export function detectFlavor(commands: Readonly<Record<string, string>> = {}): { flavor: FlavorName; why: string } {
  const candidates = (Object.keys(FLAVOR_DEFINITIONS) as FlavorName[])
    .flatMap((flavor) => {
      const detection = FLAVOR_DEFINITIONS[flavor].detection;
      return detection ? [{ flavor, detection }] : [];
    })
    .sort((a, b) => a.detection.rank - b.detection.rank);
  for (const { flavor, detection } of candidates) {
    const found = findOnPath(commands[detection.command] ?? detection.command);
    if (!found) continue;
    const why = detection.identify ? detection.identify(found) : `found ${found}`;
    if (why !== undefined) return { flavor, why };
  }
  const looked = [...new Set(candidates.map((c) => c.detection.command))];
  return { flavor: 'local', why: `no scheduler command (${looked.join(', ')}) on PATH` };
}
