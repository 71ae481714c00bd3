/**
 * Splits text into words, as the fronts read directive lines (`#$ -N a -l h_rt=1:00`), Torque's
 * `qsub -F` and HTCondor's `arguments`/`environment`: whitespace separates outside quotes, a
 * quote groups until the same quote closes it, and each syntax says what its escapes are.
 */

export interface WordSyntax {
  /** The characters that open a quoted part (which the same character closes). */
  quotes: string;
  /**
   * At `text[i]`, inside `quote` (null outside any): the text an escape there stands for and how
   * many characters it takes, or undefined where no escape starts.
   */
  escape(text: string, i: number, quote: string | null): { text: string; length: number } | undefined;
}

/** Simple shell quoting: single and double quotes group, a backslash escapes (not inside single quotes). */
export const SHELL_WORDS: WordSyntax = {
  quotes: `'"`,
  escape: (text, i, quote) =>
    text[i] === '\\' && quote !== "'" && i + 1 < text.length ? { text: text[i + 1]!, length: 2 } : undefined,
};

export function splitWords(text: string, syntax: WordSyntax = SHELL_WORDS): string[] {
  const words: string[] = [];
  let current = '';
  let inWord = false;
  let quote: string | null = null;
  for (let i = 0; i < text.length; ) {
    const escaped = syntax.escape(text, i, quote);
    if (escaped) {
      current += escaped.text;
      inWord = true;
      i += escaped.length;
      continue;
    }
    const c = text[i++]!;
    if (quote) {
      if (c === quote) quote = null;
      else current += c;
    } else if (syntax.quotes.includes(c)) {
      quote = c;
      inWord = true;
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
