/**
 * Where a program we start ourselves (ykman, the AWS CLI, the Session Manager plugin) is on PATH, found the
 * way a shell would, minus what another local user could have put there: a relative PATH entry ('.', 'bin',
 * which names a folder of whatever the current folder is, e.g. a cloned project), a file that belongs to
 * another user (not root), a file anyone may change, or a folder anyone may change without the sticky bit
 * (whose files anyone may replace). ykman is started without the user asking (each MFA prompt lists the
 * YubiKey's accounts), so a planted one would run as the user with nothing typed. No process is started here.
 */
import { accessSync, constants, statSync } from 'node:fs';
import { posix, win32 } from 'node:path';
import { currentUid } from './ipc/paths';

export type PathEnv = Readonly<Record<string, string | undefined>>;

/** The first `program` on the PATH of `env` (Windows: with each PATHEXT suffix) that is safe to run, or undefined. */
export function findExecutable(program: string, env: PathEnv, platform: NodeJS.Platform = process.platform): string | undefined {
  const win = platform === 'win32';
  const path = win ? win32 : posix;
  const suffixes = win ? (env.PATHEXT ?? '.EXE;.CMD;.BAT').split(';').filter(Boolean) : [''];
  for (const dir of (env.PATH ?? '').split(path.delimiter)) {
    if (!dir || !path.isAbsolute(dir)) continue;
    for (const suffix of suffixes) {
      const candidate = path.join(dir, program + suffix);
      if (safeToRun(candidate, dir, win)) return candidate;
    }
  }
  return undefined;
}

/** A regular file (links followed, as Homebrew and pipx install them) we may execute and no other user may change. */
function safeToRun(file: string, dir: string, win: boolean): boolean {
  const st = statSync(file, { throwIfNoEntry: false });
  if (!st?.isFile()) return false;
  if (win) return true;
  try {
    accessSync(file, constants.X_OK);
  } catch {
    return false;
  }
  const uid = currentUid();
  if (uid !== undefined && st.uid !== uid && st.uid !== 0) return false;
  if ((st.mode & 0o002) !== 0) return false;
  const folder = statSync(dir, { throwIfNoEntry: false });
  return !!folder && ((folder.mode & 0o002) === 0 || (folder.mode & 0o1000) !== 0);
}
