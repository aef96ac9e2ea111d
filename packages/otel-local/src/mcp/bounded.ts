/** Tool results of bounded size: an agent's context is small, a trace can have thousands of spans. */

/** The most characters one tool result carries (about 5,000 tokens). */
export const MAX_RESULT_CHARS = 20_000;

/** The most characters of one line (a huge log body or attribute); the rest is counted, not shown. */
export const MAX_LINE_CHARS = 2_000;

/**
 * Joins `lines` into at most `maxChars` characters, cutting at a line boundary and each line at
 * {@link MAX_LINE_CHARS}. When lines are left out, the text ends with a note saying how many and
 * what to do instead (`hint`).
 */
export function boundedText(lines: readonly string[], hint: string, maxChars = MAX_RESULT_CHARS): string {
  const kept: string[] = [];
  let size = 0;
  for (const full of lines) {
    const line = full.length > MAX_LINE_CHARS ? `${full.slice(0, MAX_LINE_CHARS)}… (${full.length - MAX_LINE_CHARS} more characters)` : full;
    if (size + line.length + 1 > maxChars) break;
    kept.push(line);
    size += line.length + 1;
  }
  if (kept.length === lines.length) return kept.join('\n');
  return [...kept, `[truncated: showing ${kept.length} of ${lines.length} lines (at most ${maxChars} characters); ${hint}]`].join('\n');
}
