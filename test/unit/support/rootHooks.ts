/**
 * Root hooks of the unit suite (`.mocharc.json` requires this file before any test file loads). The run gets its
 * own temp folder as TMPDIR, so everything the tests and the code under test put in the temp dir (the IPC
 * server's socket folders too, also of child processes, which inherit it) stays inside it; other processes on
 * the machine making `aws-sessions-*` folders at the same time cannot be mistaken for ours. After the last test
 * the folders of `tempDir()` go; an `aws-sessions-*` entry still there is a leak and fails the run by name;
 * then the whole folder goes.
 */
import { leftoverProblem, makeRunTemp, removeRunTemp } from '../../../scripts/tempFolders.mjs';
import { chmodSync, mkdirSync, readdirSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { removeTempDirs, tempDirCount } from './tempDirs';

const outer = process.env.TMPDIR;
const runTemp = makeRunTemp('unit');
// Like /tmp (sticky, anyone may create): the squatting tests have another user create a folder beside ours.
chmodSync(runTemp, 0o1777);
// Child processes run TypeScript through tsx, whose compile cache is <temp dir>/tsx-<uid>: they keep the warm one.
const uid = process.getuid?.();
if (uid !== undefined) {
  const cache = join(tmpdir(), `tsx-${uid}`);
  mkdirSync(cache, { recursive: true, mode: 0o700 });
  symlinkSync(cache, join(runTemp, `tsx-${uid}`));
}
process.env.TMPDIR = runTemp;

export const mochaHooks = {
  afterAll(): void {
    const made = tempDirCount();
    const unremovable = removeTempDirs();
    const problem = leftoverProblem(runTemp, 'the unit tests');
    const others = readdirSync(runTemp).length;
    console.log(`  temp folders: ${made} made by tempDir() removed; ${others} other entr${others === 1 ? 'y' : 'ies'} (tool caches, sockets) removed with ${runTemp}`);
    if (outer === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = outer;
    removeRunTemp(runTemp);
    if (unremovable.length) throw new Error(`temp folders of tempDir() could not be removed: ${unremovable.join('; ')}`);
    if (problem) throw new Error(problem);
  },
};
