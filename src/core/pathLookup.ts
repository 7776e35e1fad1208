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
import { t } from './l10n';

export type PathEnv = Readonly<Record<string, string | undefined>>;

/** Why a program found on PATH was not taken, in words for a message. */
export interface RefusedProgram {
  file: string;
  reason: string;
}

/** What the PATH lookup found: the program to run, if any, and the candidates it refused ahead of it. */
export interface ProgramLookup {
  path?: string;
  refused: RefusedProgram[];
}

/** The first `program` on the PATH of `env` (Windows: with each PATHEXT suffix) that is safe to run, or undefined. */
export function findExecutable(program: string, env: PathEnv, platform: NodeJS.Platform = process.platform): string | undefined {
  return lookupExecutable(program, env, platform).path;
}

/** As {@link findExecutable}, with the files it passed over because another user could have put them there. */
export function lookupExecutable(program: string, env: PathEnv, platform: NodeJS.Platform = process.platform): ProgramLookup {
  const win = platform === 'win32';
  const path = win ? win32 : posix;
  const suffixes = win ? (env.PATHEXT ?? '.EXE;.CMD;.BAT').split(';').filter(Boolean) : [''];
  const refused: RefusedProgram[] = [];
  for (const dir of (env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    for (const suffix of suffixes) {
      const candidate = path.join(dir, program + suffix);
      const reason = path.isAbsolute(dir) ? unsafeBecause(candidate, dir, win) : relativeEntry(candidate, dir);
      if (reason === undefined) return { path: candidate, refused };
      if (reason) refused.push({ file: candidate, reason });
    }
  }
  return { refused };
}

/**
 * A sentence for an error message about the programs {@link lookupExecutable} refused, or '' when it refused none:
 * which files, why, and that the user should move or fix them (we never run them).
 */
export function refusedProgramsText(refused: readonly RefusedProgram[]): string {
  if (refused.length === 0) return '';
  const list = refused.map((r) => `${r.file} (${r.reason})`).join('; ');
  return t('Not run, because another local user could have put them there: {0}. Install the program where only you or root can change it, or fix the owner and permissions.', list);
}

/** A relative entry names a folder of the current folder (a cloned project): '' when nothing is there, else why not. */
function relativeEntry(file: string, dir: string): string {
  return statSync(file, { throwIfNoEntry: false })?.isFile() ? t('the PATH entry "{0}" is relative to the current folder', dir) : '';
}

/**
 * A regular file (links followed, as Homebrew and pipx install them) we may execute and no other user may change:
 * undefined when it is safe; '' when there is nothing to run (missing, a folder, not executable: a shell passes
 * over those too); else why it is refused.
 */
function unsafeBecause(file: string, dir: string, win: boolean): string | undefined {
  const st = statSync(file, { throwIfNoEntry: false });
  if (!st?.isFile()) return '';
  if (win) return undefined;
  try {
    accessSync(file, constants.X_OK);
  } catch {
    return '';
  }
  const uid = currentUid();
  if (uid !== undefined && st.uid !== uid && st.uid !== 0) return t('it belongs to another user (uid {0})', String(st.uid));
  if ((st.mode & 0o002) !== 0) return t('anyone may change it');
  const folder = statSync(dir, { throwIfNoEntry: false });
  if (!folder) return '';
  return (folder.mode & 0o002) === 0 || (folder.mode & 0o1000) !== 0 ? undefined : t('anyone may replace the files of its folder');
}
