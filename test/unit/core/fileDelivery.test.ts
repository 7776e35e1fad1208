import assert from 'node:assert/strict';
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { AwsFiles } from '../../../src/core/awsFiles/awsFiles';
import { CredentialsFileDelivery } from '../../../src/core/fileDelivery';
import { fileLock } from '../../../src/core/fileLock';
import { deliverOne } from '../support/fakes';
import { tempDir } from '../support/tempDirs';

describe('CredentialsFileDelivery', () => {
  const target = { profileName: 'dev', region: 'eu-west-1', sessionAlias: 'dev-admin', sessionId: 's-1', mode: 'credentialsFile' as const };
  const creds = (n: number) => ({ accessKeyId: `ASIAEXAMPLE00000000${n}`, secretAccessKey: `secret/${n}/`.padEnd(40, 'x'), sessionToken: `token-${n}`, expiration: new Date() });

  function setup(credentials: string, config: string) {
    const home = tempDir('delivery-');
    mkdirSync(join(home, '.aws'));
    writeFileSync(join(home, '.aws', 'credentials'), credentials);
    writeFileSync(join(home, '.aws', 'config'), config);
    const files = new AwsFiles({ env: {}, homeDir: home, lock: fileLock(join(home, 'lock')) });
    return { files, delivery: new CredentialsFileDelivery(files), read: () => [readFileSync(files.credentialsPath, 'utf8'), readFileSync(files.configPath, 'utf8')] };
  }

  it('writes, rotates and withdraws exactly its keys; the record it returns holds no credential', async () => {
    const t = setup('[other]\naws_access_key_id = AKIAOTHER\n', '[profile dev]\nregion = us-west-2 ; mine\noutput = json\n');
    const first = await deliverOne(t.delivery, target, creds(1));
    const rotated = await deliverOne(t.delivery, target, creds(2), first);
    const [credentials, config] = t.read();
    assert.match(credentials, /\[dev\]\naws_access_key_id = ASIAEXAMPLE000000002\naws_secret_access_key = secret\/2\/x+\naws_session_token = token-2\n$/);
    assert.equal(config, '[profile dev]\nregion = eu-west-1\noutput = json\n');
    const record = JSON.stringify(rotated);
    for (const n of [1, 2]) {
      assert.ok(!record.includes(creds(n).secretAccessKey) && !record.includes(creds(n).sessionToken!), 'no secret in the persisted record');
    }
    await t.delivery.withdraw(rotated);
    assert.deepEqual(t.read(), ['[other]\naws_access_key_id = AKIAOTHER\n', '[profile dev]\nregion = us-west-2 ; mine\noutput = json\n']);
  });

  it('refuses to overwrite keys it did not write, and leaves both files untouched', async () => {
    const before = ['[dev]\naws_access_key_id = AKIAUSERSOWNKEY00000\naws_secret_access_key = theirs\n', '[default]\nregion = us-east-1\n'];
    const t = setup(before[0], before[1]);
    await assert.rejects(deliverOne(t.delivery, target, creds(1)), /profile "dev".*did not write/);
    assert.deepEqual(t.read(), before);
  });

  it('leaves a file it cannot parse untouched and says which file and line', async () => {
    const broken = ['aws_access_key_id = before-any-section\n[dev]\n', '[default]\nregion = us-east-1\n'];
    const t = setup(broken[0], broken[1]);
    await assert.rejects(deliverOne(t.delivery, target, creds(1)), (e: unknown) => {
      assert.ok(e instanceof Error);
      assert.match(e.message, /credentials/);
      assert.match(e.message, /line 1/);
      assert.ok(!e.message.includes('before-any-section'), 'the message quotes no file content');
      return true;
    });
    assert.deepEqual(t.read(), broken);
  });
});
