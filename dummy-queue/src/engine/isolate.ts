/**
 * Hiding folders from a job: the job runs in a mount namespace of its own (unshare) where each
 * folder is covered by an empty, unreadable tmpfs, so no path into it reaches the files (unlike
 * permissions, which a job run by root or by the owner could step around). HTCondor's file
 * transfer is emulated this way: the submit side's work dir is out of the job's reach. As root,
 * `unshare --mount`; otherwise a user namespace first (`--user --map-root-user`), where the
 * kernel allows one. A folder that cannot be covered ends the job (exit 97) before it runs.
 */
const HIDE_SCRIPT =
  'n=$1; shift; while [ "$n" -gt 0 ]; do ' +
  'mount -t tmpfs -o mode=000,size=4k dummy-queue-hidden "$1" || { echo "dummy-queue: cannot hide $1 from the job" >&2; exit 97; }; ' +
  'shift; n=$((n - 1)); done; exec "$@"';

/** The command line that runs `argv` with `folders` hidden. */
export function withFoldersHidden(folders: readonly string[], argv: readonly string[]): string[] {
  const asRoot = process.getuid?.() === 0;
  return [
    'unshare',
    ...(asRoot ? [] : ['--user', '--map-root-user']),
    '--mount',
    '--propagation',
    'private',
    '--',
    '/bin/sh',
    '-c',
    HIDE_SCRIPT,
    'dummy-queue-hide',
    String(folders.length),
    ...folders,
    ...argv,
  ];
}
