import { notice } from './output.js';

/**
 * Command names renamed so management access keys and token signing keys cannot be confused.
 * The old names still work for one release, with a notice on stderr; remove this table (and the
 * `.alias()` calls) in the release after.
 */
export const RENAMED: Record<string, string> = { key: 'access-key', keys: 'signing-key' };

/** Prints the rename notice when the command line used an old name. */
export function warnIfRenamed(argv: string[]): void {
  const first = argv.slice(2).find((a) => !a.startsWith('-'));
  if (first && RENAMED[first]) notice(`"${first}" is now "${RENAMED[first]}"; the old name will be removed in the next release`);
}
