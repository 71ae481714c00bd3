/**
 * Parsers for qmr's option and argument values. They throw commander's InvalidArgumentError, so
 * a bad value is a usage error (exit 2, with the command's usage hint) found before any work,
 * rather than a failure (exit 1) found halfway.
 */
import { InvalidArgumentError } from 'commander';
import { parseAge } from './clean.js';

/** A whole number ≥ 0: chunk numbers, --tail. */
export function wholeNumber(text: string): number {
  if (!/^\d+$/.test(text)) throw new InvalidArgumentError('expected a whole number, like 0 or 12');
  return Number(text);
}

/** --grep: checked here so that a typo in the pattern is reported as such. */
export function regularExpression(text: string): string {
  try {
    new RegExp(text);
  } catch (error) {
    throw new InvalidArgumentError(`not a valid regular expression (${(error as Error).message})`);
  }
  return text;
}

/** --older-than: '7d', '12h', '30m', '90s' → milliseconds. */
export function age(text: string): number {
  try {
    return parseAge(text);
  } catch {
    throw new InvalidArgumentError('expected a number and a unit (s, m, h or d), like 7d, 12h, 30m or 90s');
  }
}
