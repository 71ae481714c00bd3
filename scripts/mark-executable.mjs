// After tsc: the worker and the qmr command are run directly, so they need the executable bit
// (tsc writes plain 0644 files).
import { chmod, access } from 'node:fs/promises';
for (const file of ['dist/worker/main.js', 'dist/src/cli/main.js']) {
  try {
    await access(file);
    await chmod(file, 0o755);
  } catch {
    // not built (yet): nothing to mark
  }
}
