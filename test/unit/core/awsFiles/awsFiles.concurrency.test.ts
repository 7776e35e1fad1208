/**
 * Issue 8, item 2 (concurrency): two extension-host processes editing their own profiles through
 * AwsFiles under the shared lock, and a third program with its own text edits (sharing only the lock
 * file) incrementing counters in a foreign profile of both files, 1,000 operations in all. A watcher reads the files
 * all along: never a partial or unparseable file; at the end no update of anyone is lost and the
 * real AWS CLI reads every profile as the writers left it.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { IniDocument } from '../../../../src/core/awsFiles/iniEdit';
import { findProfileSection } from '../../../../src/core/awsFiles/ownership';
import { ConcurrentChangeError, writeFileAtomic } from '../../../../src/core/awsFiles/atomicFile';
import { tempDir } from '../../support/tempDirs';

const HOST_OPS = 400;
const FOREIGN_OPS = 200;
const CREDENTIALS = '# hand-written; AWS Sessions owns none of this\r\n[foreign]\r\naws_access_key_id = AKIAFOREIGN000000001\r\n; keep me\r\naws_secret_access_key = foreignSecretValue0000000000000000000000\r\ncounter = 0\r\n';
const CONFIG = '# config, LF endings\n[profile foreign]\nregion = ap-south-1\ncli_counter = 0\n[sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\n';

function run(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(__dirname, 'awsFiles.concurrency.child.ts'), ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`child ${args[0]} exited ${code}: ${err}`))));
  });
}

describe('AWS files under concurrent writers (two extension hosts + a foreign program)', function () {
  this.timeout(180_000);
  let dir: string;
  before(() => {
    dir = tempDir('awsfiles-concurrency-');
  });
  after(() => rmSync(dir, { recursive: true, force: true, maxRetries: 5 }));

  it(`${2 * HOST_OPS + FOREIGN_OPS} operations: no lost update, never a partial file, the AWS CLI reads every profile`, async () => {
    const home = join(dir, 'home');
    mkdirSync(join(home, '.aws'), { recursive: true });
    const credentialsFile = join(home, '.aws', 'credentials');
    const configFile = join(home, '.aws', 'config');
    writeFileSync(credentialsFile, CREDENTIALS);
    writeFileSync(configFile, CONFIG);
    const lock = join(dir, 'aws-files.lock');

    let reads = 0;
    let watching = true;
    const problems: string[] = [];
    const check = (file: string, text: string, kind: 'credentials' | 'config') => {
      let doc: IniDocument;
      try {
        doc = IniDocument.parse(text);
      } catch (error) {
        problems.push(`${file} unparseable: ${String(error)}`);
        return;
      }
      if (!/(\r\n|\n)$/.test(text)) problems.push(`${file} does not end with a line break (cut?)`);
      const foreign = findProfileSection(doc, kind, 'foreign');
      if (!foreign) problems.push(`${file}: the foreign profile is missing`);
      for (const p of ['a', 'b']) {
        const s = findProfileSection(doc, kind, p);
        if (s && kind === 'credentials' && ['aws_access_key_id', 'aws_secret_access_key', 'aws_session_token'].some((k) => !doc.key(s, k))) problems.push(`${file}: [${p}] is half written`);
      }
    };
    const watcher = (async () => {
      while (watching) {
        check(credentialsFile, readFileSync(credentialsFile, 'utf8'), 'credentials');
        check(configFile, readFileSync(configFile, 'utf8'), 'config');
        reads++;
        await new Promise((r) => setImmediate(r));
      }
    })();

    const outputs = await Promise.all([
      run(['host', home, lock, 'a', String(HOST_OPS), '7']),
      run(['host', home, lock, 'b', String(HOST_OPS), '11']),
      run(['foreign', home, lock, String(FOREIGN_OPS)]),
    ]).finally(() => (watching = false));
    await watcher;
    assert.deepEqual(problems.slice(0, 5), [], `${problems.length} bad reads of ${reads}`);
    assert.ok(reads > 100, `the watcher read the files ${reads} times`);
    console.log(`      (${reads} reads of both files while writing, 0 partial or unparseable)`);

    const credentials = readFileSync(credentialsFile, 'utf8');
    const config = readFileSync(configFile, 'utf8');
    assert.match(credentials, new RegExp(`\\[foreign\\]\\r\\naws_access_key_id = AKIAFOREIGN000000001\\r\\n; keep me\\r\\naws_secret_access_key = foreignSecretValue0000000000000000000000\\r\\ncounter = ${FOREIGN_OPS / 2}\\r\\n`), 'no update of the foreign program lost');
    assert.ok(credentials.startsWith('# hand-written; AWS Sessions owns none of this\r\n'));
    assert.ok(config.startsWith('# config, LF endings\n[profile foreign]\nregion = ap-south-1\n'), 'foreign bytes kept');
    assert.match(config, new RegExp(`cli_counter = ${FOREIGN_OPS / 2}\\n`), 'no update of the foreign program lost');

    const env: NodeJS.ProcessEnv = { ...process.env, AWS_CONFIG_FILE: configFile, AWS_SHARED_CREDENTIALS_FILE: credentialsFile, HOME: home };
    for (const k of Object.keys(env)) if (k.startsWith('AWS_') && k !== 'AWS_CONFIG_FILE' && k !== 'AWS_SHARED_CREDENTIALS_FILE') delete env[k];
    const cli = (...args: string[]) => {
      try {
        return execFileSync('/usr/bin/aws', ['configure', 'get', ...args], { env, encoding: 'utf8' }).trim();
      } catch {
        return '';
      }
    };
    assert.equal(cli('cli_counter', '--profile', 'foreign'), String(FOREIGN_OPS / 2));
    assert.equal(cli('aws_access_key_id', '--profile', 'foreign'), 'AKIAFOREIGN000000001');
    assert.equal(cli('sso_start_url', '--profile', 'foreign'), '', 'sso-session untouched and still separate');
    for (const line of outputs.slice(0, 2)) {
      const { profile, lastKey } = JSON.parse(line) as { profile: string; lastKey: string };
      assert.equal(cli('aws_access_key_id', '--profile', profile), lastKey, `[${profile}] holds what its host wrote last`);
    }
  });

  it('an edit never overwrites a change made by a program outside the lock after it read the file', async () => {
    const file = join(dir, 'credentials');
    writeFileSync(file, '[mine]\nx = 1\n');
    const read = readFileSync(file);
    writeFileSync(file, '[mine]\nx = 2\n'); // another program writes meanwhile
    await assert.rejects(writeFileAtomic(file, '[mine]\nx = 1\n[ours]\ny = 1\n', { expected: { bytes: read } }), ConcurrentChangeError);
    assert.equal(readFileSync(file, 'utf8'), '[mine]\nx = 2\n');
    assert.deepEqual(readdirSync(dir).filter((f) => f.endsWith('.tmp')), [], 'no temp file left');
  });
});
