import { chmodSync, renameSync, writeFileSync } from 'node:fs';

/**
 * Writes a file so that it either exists whole or not at all: a temporary file in the same
 * directory, then rename (atomic on POSIX file systems). A crash mid-write leaves at most a
 * `.tmp-*` file, never a truncated key file that a later start would trust.
 */
export function writeFileAtomic(path: string, content: string, mode = 0o600): void {
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, content, { mode, flag: 'w' });
  chmodSync(tmp, mode);
  renameSync(tmp, path);
}
