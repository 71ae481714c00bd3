/**
 * Another local user, for tests of what the pool refuses to trust (a work dir owned by someone
 * else) or of what a user without write access sees. Needs root, to create the user and to
 * chown; `skipReason` says why a test cannot run otherwise (CI runs as root).
 */
import { execFileSync } from 'node:child_process';

export const OTHER_USER = 'qmr-test-other';

export const skipReason: string | undefined = process.getuid?.() === 0 ? undefined : 'needs root (to create a second user and chown to it)';

/** The other user's uid and gid, creating the user if needed. */
export function otherUser(): { name: string; uid: number; gid: number } {
  const id = (flag: string) => Number(execFileSync('id', [flag, OTHER_USER], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim());
  try {
    return { name: OTHER_USER, uid: id('-u'), gid: id('-g') };
  } catch {
    // Another test file may create it at the same moment: a failed useradd is fine if the user is there.
    try {
      execFileSync('useradd', ['--system', '--no-create-home', '--shell', '/usr/sbin/nologin', OTHER_USER], { stdio: 'ignore' });
    } catch {
      // checked below
    }
    return { name: OTHER_USER, uid: id('-u'), gid: id('-g') };
  }
}
