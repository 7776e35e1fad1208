import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { AwsFiles, expandPath } from '../../../../src/core/awsFiles/awsFiles';
import { IniParseError } from '../../../../src/core/awsFiles/iniEdit';
import { ForeignCredentialsError } from '../../../../src/core/awsFiles/ownership';
import { fileLock } from '../../../../src/core/fileLock';
import { tempDir } from '../../support/tempDirs';

const creds = { aws_access_key_id: 'ASIATEST', aws_secret_access_key: 'sec', aws_session_token: 'tok' };
const mode = async (p: string) => (await fs.stat(p)).mode & 0o777;

describe('AwsFiles', () => {
  let home: string;
  let files: AwsFiles;
  beforeEach(async () => {
    home = tempDir('awsfiles-');
    files = new AwsFiles({ env: {}, homeDir: home, lock: fileLock(path.join(home, 'lockdir', 'aws.lock')) });
  });
  afterEach(() => fs.rm(home, { recursive: true, force: true }));

  it('defaults to ~/.aws and creates folder 0700 and files 0600, removing them again on revert', async () => {
    const prevUmask = process.umask(0o022);
    try {
      const owned = await files.applyCredentials('dev', creds);
      assert.equal(await mode(path.join(home, '.aws')), 0o700);
      assert.equal(await mode(files.credentialsPath), 0o600);
      assert.equal(await fs.readFile(files.credentialsPath, 'utf8'), '[dev]\naws_access_key_id = ASIATEST\naws_secret_access_key = sec\naws_session_token = tok\n');
      assert.equal(owned.createdFile, true);
      await files.revert(owned);
      await assert.rejects(fs.stat(files.credentialsPath), /ENOENT/);
    } finally {
      process.umask(prevUmask);
    }
  });

  it('honours AWS_SHARED_CREDENTIALS_FILE and AWS_CONFIG_FILE with ~ and $VAR expansion', async () => {
    const f = new AwsFiles({
      env: { AWS_SHARED_CREDENTIALS_FILE: '~/alt/creds', AWS_CONFIG_FILE: '$ALTDIR/conf', ALTDIR: path.join(home, 'x') },
      homeDir: home,
      lock: fileLock(path.join(home, 'l.lock')),
    });
    assert.equal(f.credentialsPath, path.join(home, 'alt', 'creds'));
    assert.equal(f.configPath, path.join(home, 'x', 'conf'));
    await f.applyConfig('dev', { region: 'eu-west-1' });
    assert.equal(await fs.readFile(path.join(home, 'x', 'conf'), 'utf8'), '[profile dev]\nregion = eu-west-1\n');
    assert.equal(expandPath('rel/c', {}, home, '/base'), '/base/rel/c');
    assert.equal(expandPath('~', {}, home, '/'), home);
  });

  it('keeps the mode of an existing file and every foreign byte; revert restores the exact bytes', async () => {
    await fs.mkdir(path.join(home, '.aws'));
    const original = '\ufeff; top\r\n[default]\r\nregion=eu-west-1 # mine\r\n[profile dev]\r\nregion = 0123';
    await fs.writeFile(files.configPath, original, { mode: 0o640 });
    await fs.chmod(files.configPath, 0o640);
    const owned = await files.applyConfig('dev', { region: 'us-east-1', credential_process: 'aws-sessions generate 42' });
    assert.equal(await mode(files.configPath), 0o640);
    assert.equal(
      await fs.readFile(files.configPath, 'utf8'),
      '\ufeff; top\r\n[default]\r\nregion=eu-west-1 # mine\r\n[profile dev]\r\nregion = us-east-1\r\ncredential_process = aws-sessions generate 42',
    );
    await files.revert(owned);
    assert.deepEqual(await fs.readFile(files.configPath), Buffer.from(original));
  });

  it('writes through a symlink to its target and keeps the link', async () => {
    const real = path.join(home, 'dotfiles', 'credentials');
    await fs.mkdir(path.dirname(real));
    await fs.writeFile(real, '[keep]\nx = 1\n');
    await fs.mkdir(path.join(home, '.aws'));
    await fs.symlink('../dotfiles/credentials', files.credentialsPath);
    const owned = await files.applyCredentials('dev', creds);
    assert.ok((await fs.lstat(files.credentialsPath)).isSymbolicLink());
    assert.match(await fs.readFile(real, 'utf8'), /^\[keep\]\nx = 1\n\n\[dev\]\n/);
    await files.revert(owned);
    assert.equal(await fs.readFile(real, 'utf8'), '[keep]\nx = 1\n');
    assert.ok((await fs.lstat(files.credentialsPath)).isSymbolicLink());
  });

  it('leaves an unparseable file untouched and names file and line', async () => {
    await fs.mkdir(path.join(home, '.aws'));
    const broken = '[a]\nk = 1\n[a]\n';
    await fs.writeFile(files.configPath, broken);
    await assert.rejects(files.applyConfig('dev', { region: 'r' }), (e: unknown) => e instanceof IniParseError && e.line === 3 && e.message.includes(files.configPath));
    assert.equal(await fs.readFile(files.configPath, 'utf8'), broken);
  });

  it('never overwrites long-term keys', async () => {
    await fs.mkdir(path.join(home, '.aws'));
    const text = '[dev]\naws_access_key_id = AKIA\naws_secret_access_key = long\n';
    await fs.writeFile(files.credentialsPath, text);
    await assert.rejects(files.applyCredentials('dev', creds), ForeignCredentialsError);
    assert.equal(await fs.readFile(files.credentialsPath, 'utf8'), text);
  });

  it('lists profiles from both files and reads one without exposing secrets', async () => {
    await files.applyCredentials('a', creds);
    await files.applyConfig('b', { region: 'eu-west-1' });
    await files.applyConfig('default', { region: 'us-east-1' });
    assert.deepEqual(await files.listProfiles(), ['a', 'b', 'default']);
    const a = await files.readProfile('a');
    assert.deepEqual(a, { name: 'a', inCredentials: true, inConfig: false, config: {}, credentialKeys: ['aws_access_key_id', 'aws_secret_access_key', 'aws_session_token'] });
    assert.deepEqual((await files.readProfile('b'))?.config, { region: 'eu-west-1' });
    assert.equal(await files.readProfile('nope'), undefined);
  });

  it('serializes concurrent edits from one process without losing any', async () => {
    await Promise.all(Array.from({ length: 20 }, (_, i) => files.applyConfig(`p${i}`, { region: 'r' })));
    assert.equal((await files.listProfiles()).length, 20);
  });
});

describe('AwsFiles: golden fixtures (test/fixtures/ini)', () => {
  const fixtures = path.join(__dirname, '..', '..', '..', 'fixtures', 'ini');
  let home: string;
  beforeEach(async () => (home = tempDir('awsgold-')));
  afterEach(() => fs.rm(home, { recursive: true, force: true }));

  it('edits a realistic config and credentials file byte for byte, and reverts to the original bytes', async () => {
    await fs.mkdir(path.join(home, '.aws'));
    const files = new AwsFiles({ env: {}, homeDir: home, lock: fileLock(path.join(home, 'l.lock')) });
    const load = (n: string) => fs.readFile(path.join(fixtures, n));
    await fs.writeFile(files.configPath, await load('realistic.config'));
    await fs.writeFile(files.credentialsPath, await load('realistic.credentials'));
    const dev = await files.applyConfig('dev', { region: 'sa-east-1', credential_process: 'aws-sessions generate 1234' });
    const created = await files.applyConfig('new', { region: 'us-east-2' });
    const cred = await files.applyCredentials('dev', { aws_access_key_id: 'ASIAEXAMPLE', aws_secret_access_key: 'secret/+=', aws_session_token: 'token==' });
    await assert.rejects(files.applyCredentials('long-term', { aws_access_key_id: 'ASIAX', aws_secret_access_key: 'y' }), ForeignCredentialsError);
    assert.deepEqual(await fs.readFile(files.configPath), await load('realistic.config.expected'));
    assert.deepEqual(await fs.readFile(files.credentialsPath), await load('realistic.credentials.expected'));
    await files.revert(dev);
    await files.revert(created);
    await files.revert(cred);
    assert.deepEqual(await fs.readFile(files.configPath), await load('realistic.config'));
    assert.deepEqual(await fs.readFile(files.credentialsPath), await load('realistic.credentials'));
  });
});
