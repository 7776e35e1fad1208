/** Programs we start ourselves are found on PATH as a shell finds them, except where another local user could have put one. */
import * as assert from 'node:assert/strict';
import { chmodSync, chownSync, copyFileSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { findExecutable, lookupExecutable } from '../../../src/core/pathLookup';
import { findSsmTools, missingToolsMessage } from '../../../src/core/ssm/ssmSessions';
import { YubiKeyOath } from '../../../src/core/yubikey';
import { tempDir } from '../support/tempDirs';

const FAKE_YKMAN = resolve('test/fixtures/ykman/ykman');

/** `<root>/<name>/ykman`, a copy of the fake, with the folder's and the file's modes. */
function plant(root: string, name: string, fileMode = 0o755, dirMode = 0o755): string {
  const dir = join(root, name);
  mkdirSync(dir);
  copyFileSync(FAKE_YKMAN, join(dir, 'ykman'));
  chmodSync(join(dir, 'ykman'), fileMode);
  chmodSync(dir, dirMode);
  return dir;
}

describe('programs on PATH that no other user could have planted', () => {
  if (process.platform === 'win32') return;

  it('skips a relative PATH entry (a folder of whatever the current folder is, e.g. a cloned project)', () => {
    const root = tempDir('aws-sessions-path-');
    plant(root, 'bin');
    const safe = plant(root, 'safe');
    const before = process.cwd();
    process.chdir(root);
    try {
      assert.equal(findExecutable('ykman', { PATH: `bin:.:${safe}` }, 'linux'), join(safe, 'ykman'));
      assert.equal(findExecutable('ykman', { PATH: 'bin' }, 'linux'), undefined);
    } finally {
      process.chdir(before);
    }
  });

  it('skips a file anyone may change, and a folder anyone may change without the sticky bit', () => {
    const root = tempDir('aws-sessions-path-');
    const loose = plant(root, 'loose', 0o757);
    const open = plant(root, 'open', 0o755, 0o777);
    const sticky = plant(root, 'sticky', 0o755, 0o1777);
    const later = plant(root, 'later');
    assert.equal(findExecutable('ykman', { PATH: `${loose}:${open}:${later}` }, 'linux'), join(later, 'ykman'));
    assert.equal(findExecutable('ykman', { PATH: `${sticky}:${later}` }, 'linux'), join(sticky, 'ykman'), 'a file of ours in a sticky folder (/tmp) cannot be replaced by others');
    // What the MFA prompt asks: with only a planted ykman, no YubiKey button and no ykman started.
    assert.equal(new YubiKeyOath({ env: { PATH: `${loose}:${open}` } }).installed(), false);
  });

  it("skips another user's file (root's and ours are fine), and follows links as Homebrew and pipx make them", function () {
    if (process.getuid?.() !== 0) this.skip(); // chown to another user needs root (CI runs as root)
    const root = tempDir('aws-sessions-path-');
    const theirs = plant(root, 'theirs');
    chownSync(join(theirs, 'ykman'), 4242, 4242);
    const mine = plant(root, 'mine');
    assert.equal(findExecutable('ykman', { PATH: `${theirs}:${mine}` }, 'linux'), join(mine, 'ykman'));
    const linked = join(root, 'linked');
    mkdirSync(linked);
    symlinkSync(join(mine, 'ykman'), join(linked, 'ykman'));
    assert.equal(findExecutable('ykman', { PATH: linked }, 'linux'), join(linked, 'ykman'));
    symlinkSync(join(theirs, 'ykman'), join(root, 'ykman'));
    assert.equal(findExecutable('ykman', { PATH: root }, 'linux'), undefined, "a link to another user's file is that file");
    writeFileSync(join(mine, 'plain'), '');
    assert.equal(findExecutable('plain', { PATH: mine }, 'linux'), undefined, 'not executable');
  });

  it('reading a code never falls back to the bare name (which the child would look up on the unsafe PATH)', async () => {
    const root = tempDir('aws-sessions-path-');
    const loose = plant(root, 'loose', 0o757);
    const ran: string[] = [];
    const yk = new YubiKeyOath({ env: { PATH: loose }, run: async (file) => (ran.push(file), { code: 0, stdout: '123456\n', stderr: '' }) });
    await assert.rejects(yk.code('Amazon Web Services:alice@123456789012'), /ykman \(YubiKey Manager\) was not found/);
    assert.deepEqual(ran, []);
  });

  it('says which files it passed over and why, so "not found" is not a mystery when a program is there', async () => {
    const root = tempDir('aws-sessions-path-');
    const loose = plant(root, 'loose', 0o757);
    const open = plant(root, 'open', 0o755, 0o777);
    const lookup = lookupExecutable('ykman', { PATH: `${loose}:${open}:${root}/none` }, 'linux');
    assert.equal(lookup.path, undefined);
    assert.deepEqual(lookup.refused, [
      { file: join(loose, 'ykman'), reason: 'anyone may change it' },
      { file: join(open, 'ykman'), reason: 'anyone may replace the files of its folder' },
    ]);
    const yk = new YubiKeyOath({ env: { PATH: loose }, run: async () => ({ code: 0, stdout: '123456\n', stderr: '' }) });
    assert.match(yk.refusedText(), new RegExp(`${join(loose, 'ykman')} \\(anyone may change it\\)`));
    await assert.rejects(yk.code('Amazon Web Services:alice@123456789012'), (e: Error) => e.message.includes(join(loose, 'ykman')) && /another local user could have put them there/.test(e.message));
    // Found safely later on PATH: nothing to say.
    assert.equal(new YubiKeyOath({ env: { PATH: `${loose}:${plant(root, 'safe')}` } }).refusedText(), '');

    // The SSM tools: the Session Manager plugin in an open folder is named in the message.
    mkdirSync(join(root, 'tools'));
    writeFileSync(join(root, 'tools', 'session-manager-plugin'), '#!/bin/sh\n', { mode: 0o755 });
    chmodSync(join(root, 'tools'), 0o777);
    const tools = await findSsmTools(join(root, 'tools'), 'linux');
    const message = missingToolsMessage(tools) ?? '';
    assert.match(message, /Session Manager plugin/);
    assert.ok(message.includes(`${join(root, 'tools', 'session-manager-plugin')} (anyone may replace the files of its folder)`), message);
  });

  it('names a program in a relative PATH entry as refused, and passes over an empty relative folder silently', () => {
    const root = tempDir('aws-sessions-path-');
    plant(root, 'bin');
    const before = process.cwd();
    process.chdir(root);
    try {
      assert.deepEqual(lookupExecutable('ykman', { PATH: 'bin:.' }, 'linux').refused, [{ file: join('bin', 'ykman'), reason: 'the PATH entry "bin" is relative to the current folder' }]);
    } finally {
      process.chdir(before);
    }
  });
});
