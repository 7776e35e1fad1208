// A test run's own temp folder: the run (or the code-server it starts) gets it as TMPDIR, so whatever the
// tests and the editor put in the temp dir stays inside it — also a killed code-server's socket folder, which
// its remove-on-close never gets to — and the whole folder goes at the end. Before it goes, the run checks
// that its tests removed their own folders (`aws-sessions-*` entries), naming any that are left.
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** What every temp folder of ours is called (the IPC socket folders too: `aws-sessions-XXXXXX`). */
export const TEMP_PREFIX = 'aws-sessions-';

/** A new `<temp dir>/aws-sessions-<name>-XXXXXX` for a run. */
export function makeRunTemp(name) {
  return mkdtempSync(join(tmpdir(), `${TEMP_PREFIX}${name}-`));
}

/** `<root>/tmp`, created: the TMPDIR of a code-server whose state lives in `root`. */
export function editorTemp(root) {
  const dir = join(root, 'tmp');
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** An IPC socket folder of a window that did not get to remove it: `aws-sessions-XXXXXX` holding only sockets. */
function isSocketFolder(path, name) {
  if (!/^aws-sessions-[A-Za-z0-9]{6}$/.test(name)) return false;
  try {
    return readdirSync(path).every((entry) => /^(cli|liv)-[0-9a-f]+\.sock$/.test(entry));
  } catch {
    return false;
  }
}

/**
 * The `aws-sessions-*` entries left in `dir`, sorted. With `allowSocketFolders`, an editor's socket folders are
 * not counted (a killed code-server leaves one; the run removes `dir` with it).
 * @param {string} dir
 * @param {{ allowSocketFolders?: boolean }} [options]
 * @returns {string[]}
 */
export function leftoverTempFolders(dir, options = {}) {
  let names;
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names
    .filter((name) => name.startsWith(TEMP_PREFIX))
    .filter((name) => !(options.allowSocketFolders && isSocketFolder(join(dir, name), name)))
    .sort();
}

/** A sentence naming the leftovers for a test report, or undefined when there are none. */
export function leftoverProblem(dir, what, options = {}) {
  const left = leftoverTempFolders(dir, options);
  if (left.length === 0) return undefined;
  const shown = left.slice(0, 12).map((name) => {
    let kind = 'gone meanwhile';
    try {
      const path = join(dir, name);
      const entries = statSync(path).isDirectory() ? readdirSync(path) : undefined;
      kind = entries === undefined ? 'a file' : entries.length === 0 ? 'empty' : entries.slice(0, 4).join(', ');
    } catch {
      /* gone meanwhile */
    }
    return `${name} (${kind})`;
  });
  return `${what} left ${left.length} temp folder(s) behind in ${dir}: ${shown.join('; ')}${left.length > shown.length ? '; …' : ''}. Remove them where they are made (the unit tests: tempDir() of test/unit/support/tempDirs.ts; the others in a finally).`;
}

/** Removes a run's temp folder (best effort: a folder of another user's files may resist as non-root). */
export function removeRunTemp(dir) {
  rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
}
