/** Where the server puts its socket when the IPC folder's path is too long: only folders no one else can create. */
import * as assert from 'node:assert/strict';
import { chmodSync, chownSync, lstatSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { ipcPaths, IpcSetupError } from '../../../../src/core/ipc/paths';
import { chooseSocketFolder, folderHash, newSocketPath } from '../../../../src/core/ipc/socketFolder';
import { tempDir } from '../../support/tempDirs';

describe('IPC socket folder', () => {
  const root = () => tempDir('aws-sessions-sf-');
  const longIpc = () => ipcPaths(join(root(), 'first.last'.padEnd(90, 'x'), 'ipc'));
  const isPrivate = (folder: string) => {
    const st = lstatSync(folder);
    return st.isDirectory() && st.uid === process.getuid!() && (st.mode & 0o777) === 0o700;
  };

  it('the IPC folder itself when a socket name fits; a new random name per server; a random pipe on Windows', () => {
    const paths = ipcPaths(join(root(), 'ipc'));
    assert.equal(chooseSocketFolder(paths, { env: {} }), paths.dir);
    assert.match(newSocketPath(paths.dir, paths, 'a1b2c3', 'linux'), /\/ipc\/cli-a1b2c3\.sock$/);
    assert.equal(newSocketPath('x', ipcPaths('/x/ipc'), 'a1b2c3', 'win32'), `\\\\.\\pipe\\aws-sessions-${folderHash('/x/ipc')}-a1b2c3`);
  });

  it('too long: a folder in XDG_RUNTIME_DIR when that is ours, 0700 and no link', () => {
    const paths = longIpc();
    const runtime = tempDir('rt-');
    const folder = chooseSocketFolder(paths, { env: { XDG_RUNTIME_DIR: runtime } });
    assert.equal(folder, join(runtime, `aws-sessions-${folderHash(paths.dir)}`));
    assert.ok(isPrivate(folder));
    assert.ok(Buffer.byteLength(newSocketPath(folder, paths, 'a1b2c3')) <= 100);
  });

  it('too long and XDG_RUNTIME_DIR unusable (0755, a link, another user’s): a new mkdtemp folder in the temp dir, never a predictable name', () => {
    const paths = longIpc();
    const temp = tempDir('t-');
    const open = tempDir('rt-');
    chmodSync(open, 0o755);
    const link = `${tempDir('rt-')}-link`;
    symlinkSync(tempDir('rt-'), link);
    const runtimes = [undefined, open, link, 'relative/dir'];
    if (process.getuid?.() === 0) {
      const theirs = tempDir('rt-');
      chownSync(theirs, 65534, 65534);
      runtimes.push(theirs);
    }
    const seen = new Set<string>();
    for (const runtime of runtimes) {
      const notes: string[] = [];
      const folder = chooseSocketFolder(paths, { env: { XDG_RUNTIME_DIR: runtime }, tempDir: temp, onNote: (m) => notes.push(m) });
      assert.equal(dirname(folder), temp, String(runtime));
      assert.match(basename(folder), /^aws-sessions-[A-Za-z0-9]{6}$/);
      assert.ok(isPrivate(folder));
      seen.add(folder);
      if (runtime && runtime.startsWith('/')) assert.match(notes.join(), /XDG_RUNTIME_DIR is not used/, String(runtime));
    }
    assert.equal(seen.size, runtimes.length, 'a new random folder each time (no previous one to reuse)');
  });

  it('reuses the previous server’s temp folder while it is still private and ours; otherwise creates another', () => {
    const paths = longIpc();
    const temp = tempDir('t-');
    const first = chooseSocketFolder(paths, { env: {}, tempDir: temp });
    assert.equal(chooseSocketFolder(paths, { env: {}, tempDir: temp, previousSocket: join(first, 'cli-a1b2c3.sock') }), first);
    chmodSync(first, 0o777);
    const notes: string[] = [];
    const second = chooseSocketFolder(paths, { env: {}, tempDir: temp, previousSocket: join(first, 'cli-a1b2c3.sock'), onNote: (m) => notes.push(m) });
    assert.notEqual(second, first);
    assert.match(notes.join(), /can be changed by other users/);
    if (process.getuid?.() === 0) {
      chownSync(second, 65534, 65534);
      const third = chooseSocketFolder(paths, { env: {}, tempDir: temp, previousSocket: join(second, 'cli-a1b2c3.sock') });
      assert.ok(![first, second].includes(third) && isPrivate(third));
    }
    // Not a folder of ours by name: never reused, whoever owns it.
    const foreign = join(temp, 'somewhere');
    mkdirSync(foreign, { mode: 0o700 });
    assert.notEqual(chooseSocketFolder(paths, { env: {}, tempDir: temp, previousSocket: join(foreign, 'cli-a1b2c3.sock') }), foreign);
  });

  it('a temp dir that cannot hold a folder is an IpcSetupError naming it and what to do', () => {
    const paths = longIpc();
    // Short enough that a socket folder in it would fit: only that it is no folder stops it.
    const file = join(tempDir('sf-'), 'not-a-folder');
    writeFileSync(file, '');
    assert.throws(
      () => chooseSocketFolder(paths, { env: {}, tempDir: file }),
      (e: unknown) => e instanceof IpcSetupError && e.path === file && /cannot be created here \(ENOTDIR\); set TMPDIR/.test(e.reason),
    );
  });
});
