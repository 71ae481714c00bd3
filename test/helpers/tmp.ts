import { dir } from 'tmp-promise';

/** A temporary folder that removes itself (with contents) at cleanup. */
export async function temporaryFolder(prefix = 'qmr-test-') {
  const folder = await dir({ prefix, unsafeCleanup: true });
  return { path: folder.path, cleanup: folder.cleanup };
}
