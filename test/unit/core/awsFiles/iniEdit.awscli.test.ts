/**
 * The independent oracle: the AWS CLI's own loader (botocore bundled with /usr/bin/aws) reads
 * every generated file before and after our edits. Foreign profiles must read identically, owned
 * ones must read what we wrote, and our parser must refuse exactly the files the CLI refuses
 * (BOM files excepted: we keep and accept them, the CLI does not). A few files also go through
 * the real `aws configure get`. Skipped when /usr/bin/aws is not installed.
 */
import * as assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { IniDocument, IniParseError } from '../../../../src/core/awsFiles/iniEdit';
import { applyOwned, AwsFileKind, ForeignCredentialsError, isWritten, OwnedKeys } from '../../../../src/core/awsFiles/ownership';
import { chance, generateFile, pick, PROFILE_NAMES, randomValues, rng } from './iniEdit.gen';
import { tempDir } from '../../support/tempDirs';

const AWS = '/usr/bin/aws';
const SAMPLE = Number(process.env.INI_CLI_FILES ?? 400);
const dumper = path.join(__dirname, '..', '..', '..', 'fixtures', 'ini', 'botocore_dump.py');

function awsPython(): string | undefined {
  if (!existsSync(AWS)) return undefined;
  const shebang = readFileSync(AWS, 'utf8').split('\n')[0];
  return shebang.startsWith('#!') ? shebang.slice(2).trim().split(' ')[0] : undefined;
}

type Loaded = { ok: { profiles: Record<string, Record<string, unknown>> } & Record<string, unknown> } | { error: string };

function loadAll(python: string, files: Array<[AwsFileKind, string]>): Loaded[] {
  const input = files.map(([k, p]) => `${k} ${p}`).join('\n') + '\n';
  const out = execFileSync(python, [dumper], { input, maxBuffer: 1 << 28 }).toString('utf8');
  return out.trim().split('\n').map((l) => JSON.parse(l) as Loaded);
}

describe('AWS CLI reads our edits as intended', function () {
  this.timeout(120_000);
  const python = awsPython();
  let dir: string;
  before(function () {
    if (!python) this.skip();
    dir = tempDir('awscli-oracle-');
  });
  after(() => dir && rmSync(dir, { recursive: true, force: true }));

  it(`${SAMPLE} generated files: foreign profiles unchanged, owned ones read what we wrote`, () => {
    const r = rng(Number(process.env.INI_CLI_SEED ?? 777));
    const cases: Array<{ file: AwsFileKind; before: string; after: string; bom: boolean; parseable: boolean; owned?: OwnedKeys }> = [];
    const paths: Array<[AwsFileKind, string]> = [];
    for (let i = 0; i < SAMPLE; i++) {
      const file: AwsFileKind = chance(r, 0.5) ? 'config' : 'credentials';
      const { text } = generateFile(r, file);
      let parseable = true;
      let afterText = text;
      let owned: OwnedKeys | undefined;
      try {
        IniDocument.parse(text);
        try {
          const res = applyOwned(text, file, pick(r, PROFILE_NAMES), randomValues(r, file));
          afterText = res.text;
          owned = res.owned;
        } catch (e) {
          if (!(e instanceof ForeignCredentialsError)) throw e;
        }
      } catch (e) {
        if (!(e instanceof IniParseError)) throw e;
        parseable = false;
      }
      const before = path.join(dir, `${i}.before`);
      const after = path.join(dir, `${i}.after`);
      writeFileSync(before, text);
      writeFileSync(after, afterText);
      paths.push([file, before], [file, after]);
      cases.push({ file, before: text, after: afterText, bom: text.startsWith('\ufeff'), parseable, owned });
    }
    const loaded = loadAll(python!, paths);
    let checked = 0;
    cases.forEach((c, i) => {
      const [b, a] = [loaded[2 * i], loaded[2 * i + 1]];
      const where = `file #${i} (${c.file}): ${JSON.stringify(c.before)}`;
      if (c.bom) {
        assert.ok('error' in b && 'error' in a, `the CLI is expected to refuse a BOM: ${where}`);
        return;
      }
      assert.equal('ok' in b, c.parseable, `our parser and the CLI disagree on parseability: ${where} ${JSON.stringify(b)}`);
      if (!('ok' in b)) return;
      assert.ok('ok' in a, `the CLI cannot read our output: ${where}\n${JSON.stringify(c.after)}`);
      const mine = c.owned?.profile;
      const strip = (x: typeof b.ok) => {
        const copy = structuredClone(x);
        if (mine !== undefined) delete copy.profiles[mine];
        return copy;
      };
      assert.deepEqual(strip(a.ok), strip(b.ok), `foreign profiles changed: ${where}\n${JSON.stringify(c.after)}`);
      if (c.owned) {
        const seen = a.ok.profiles[c.owned.profile];
        for (const [k, rec] of Object.entries(c.owned.keys)) assert.ok(typeof seen?.[k] === 'string' && isWritten(rec, c.owned.file, k, seen[k]), `owned ${k}: ${where}\n${JSON.stringify(c.after)}`);
      }
      checked++;
    });
    assert.ok(checked > SAMPLE / 2, `only ${checked} files compared`);
  });

  it('the aws binary itself reads an edited profile and the untouched neighbours', () => {
    const config = path.join(dir, 'cli-config');
    const creds = path.join(dir, 'cli-creds');
    const originalConfig = '; mine\r\n[default]\r\nregion = eu-west-1 ; not a comment\r\n[profile dev]\r\noutput=text\r\ns3 =\r\n  max_concurrent_requests = 0123\r\n[sso-session corp]\r\nsso_region = eu-central-1';
    writeFileSync(config, applyOwned(originalConfig, 'config', 'dev', { region: 'ap-south-1' }).text);
    writeFileSync(creds, applyOwned('# keep\n[other]\naws_access_key_id = AKIAOTHER\n', 'credentials', 'dev', { aws_access_key_id: 'ASIAMINE', aws_secret_access_key: 's' }).text);
    const get = (key: string, profile: string) => {
      const res = spawnSync(AWS, ['configure', 'get', key, '--profile', profile], {
        env: { ...process.env, AWS_CONFIG_FILE: config, AWS_SHARED_CREDENTIALS_FILE: creds, HOME: dir },
        encoding: 'utf8',
      });
      return res.stdout.trim();
    };
    assert.equal(get('region', 'dev'), 'ap-south-1');
    assert.equal(get('output', 'dev'), 'text');
    assert.equal(get('s3.max_concurrent_requests', 'dev'), '0123');
    assert.equal(get('region', 'default'), 'eu-west-1 ; not a comment');
    assert.equal(get('aws_access_key_id', 'dev'), 'ASIAMINE');
    assert.equal(get('aws_access_key_id', 'other'), 'AKIAOTHER');
  });
});
