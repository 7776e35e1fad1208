/** The runs' temp-folder check (scripts/tempFolders.mjs): which entries count as left behind. */
import * as assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { leftoverProblem, leftoverTempFolders } from '../../../scripts/tempFolders.mjs';
import { tempDir } from '../support/tempDirs';

describe('temp folders left by a run', () => {
  it('counts every aws-sessions-* entry, nothing else; an editor socket folder only when not allowed', () => {
    const dir = tempDir('run-');
    mkdirSync(join(dir, 'aws-sessions-ipc-Ab12Cd'));
    mkdirSync(join(dir, 'aws-sessions-Xy34Zw'));
    writeFileSync(join(dir, 'aws-sessions-Xy34Zw', 'cli-0a1b2c.sock'), '');
    writeFileSync(join(dir, 'aws-sessions-Xy34Zw', 'liv-0a1b2c.sock'), '');
    mkdirSync(join(dir, 'aws-sessions-Qq11Rr'));
    writeFileSync(join(dir, 'aws-sessions-Qq11Rr', 'secret.txt'), '');
    mkdirSync(join(dir, 'tsx-0'));
    mkdirSync(join(dir, 'state-Ab12Cd'));
    assert.deepEqual(leftoverTempFolders(dir), ['aws-sessions-Qq11Rr', 'aws-sessions-Xy34Zw', 'aws-sessions-ipc-Ab12Cd']);
    assert.deepEqual(leftoverTempFolders(dir, { allowSocketFolders: true }), ['aws-sessions-Qq11Rr', 'aws-sessions-ipc-Ab12Cd']);
    assert.match(leftoverProblem(dir, 'the unit tests') ?? '', /^the unit tests left 3 temp folder\(s\) behind in .*: aws-sessions-Qq11Rr \(secret\.txt\); .*aws-sessions-ipc-Ab12Cd \(empty\)\./);
  });

  it('nothing left, no problem', () => {
    const dir = tempDir('run-');
    mkdirSync(join(dir, 'tsx-0'));
    assert.equal(leftoverProblem(dir, 'x'), undefined);
    assert.deepEqual(leftoverTempFolders(join(dir, 'gone')), []);
  });
});
