/**
 * One login shared with the AWS CLI: our reading and writing of its SSO token cache, checked against the
 * real AWS CLI v2 (/usr/bin/aws) talking to the local double — its SSO portal and OIDC endpoints pointed at
 * the double through AWS_DATA_PATH endpoint rule sets, the way botocore loads them.
 */
import assert from 'node:assert/strict';
import { chmodSync, chownSync, existsSync, mkdirSync, promises as fs, readdirSync, readFileSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CliTokenCache, cacheFileName } from '../../../../src/core/sso/cliTokenCache';
import { runProcess } from '../../support/cli';
import { otherUser } from '../../support/otherUser';
import { ssoHarness, type SsoHarness } from '../../support/ssoHarness';
import { tempDir } from '../../support/tempDirs';

const START_URL = 'https://d-local.awsapps.com/start';
const AWS_CLI = '/usr/bin/aws';
const hour = 3600_000;

function cacheIn(home: string, options: { read?: boolean; write?: boolean; sessions?: string[]; warnings?: string[] } = {}) {
  return new CliTokenCache({
    dir: join(home, '.aws', 'sso', 'cache'),
    readEnabled: () => options.read ?? true,
    writeEnabled: () => options.write ?? false,
    ssoSessionNames: async () => options.sessions ?? [],
    warn: (m) => options.warnings?.push(m),
  });
}

function writeCliToken(home: string, name: string, body: Record<string, unknown>): string {
  const dir = join(home, '.aws', 'sso', 'cache');
  mkdirSync(dir, { recursive: true, mode: 0o755 });
  const file = join(dir, name);
  writeFileSync(file, JSON.stringify(body), { mode: 0o600 });
  return file;
}

/** AWS_DATA_PATH folder whose endpoint rule sets send the AWS CLI's sso and sso-oidc calls to `endpoint`. */
function endpointRules(endpoint: string): string {
  const root = tempDir('aws-sessions-cli-data-');
  for (const service of ['sso', 'sso-oidc']) {
    const original = JSON.parse(readFileSync(`/usr/lib/python3/dist-packages/awscli/botocore/data/${service}/2019-06-10/endpoint-rule-set-1.json`, 'utf8')) as { version: string; parameters: unknown };
    const dir = join(root, service, '2019-06-10');
    mkdirSync(dir, { recursive: true });
    const rules = { version: original.version, parameters: original.parameters, rules: [{ conditions: [], endpoint: { url: endpoint, properties: {}, headers: {} }, type: 'endpoint' }] };
    writeFileSync(join(dir, 'endpoint-rule-set-1.json'), JSON.stringify(rules));
  }
  return root;
}

describe('the AWS CLI token cache: one login shared', function () {
  this.timeout(60_000);
  let h: SsoHarness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it('finds a valid token for the start URL and region, the longest-lived; skips other URLs, regions, expired and broken files', async () => {
    const home = tempDir('aws-sessions-home-');
    const now = Date.now();
    writeCliToken(home, 'a.json', { startUrl: `${START_URL}/`, region: 'eu-west-1', accessToken: 'short', expiresAt: new Date(now + hour).toISOString() });
    writeCliToken(home, 'b.json', { startUrl: START_URL, region: 'eu-west-1', accessToken: 'long', expiresAt: new Date(now + 8 * hour).toISOString().replace(/\.\d+Z$/, 'Z') });
    writeCliToken(home, 'c.json', { startUrl: START_URL, region: 'us-east-1', accessToken: 'other-region', expiresAt: new Date(now + 9 * hour).toISOString() });
    writeCliToken(home, 'd.json', { startUrl: 'https://other.awsapps.com/start', region: 'eu-west-1', accessToken: 'other-url', expiresAt: new Date(now + 9 * hour).toISOString() });
    writeCliToken(home, 'e.json', { startUrl: START_URL, region: 'eu-west-1', accessToken: 'expired', expiresAt: new Date(now - 1000).toISOString() });
    writeFileSync(join(home, '.aws', 'sso', 'cache', 'f.json'), '{ not json');
    const found = await cacheIn(home).find(START_URL, 'eu-west-1', now, 5 * 60_000);
    assert.equal(found?.accessToken, 'long');
    assert.equal(await cacheIn(home, { read: false }).find(START_URL, 'eu-west-1', now, 0), undefined, 'the setting turns it off');
    assert.equal(await cacheIn(home).find(START_URL, 'eu-west-1', now + 9 * hour, 0), undefined);
  });

  it('asked again and again while logged out (every render): lists the folder and reads a file again only once it changed', async () => {
    const home = tempDir('aws-sessions-home-');
    const dir = join(home, '.aws', 'sso', 'cache');
    const now = Date.now();
    const expired = writeCliToken(home, 'a.json', { startUrl: START_URL, region: 'eu-west-1', accessToken: 'expired', expiresAt: new Date(now - hour).toISOString() });
    const past = new Date(now - 60_000);
    utimesSync(expired, past, past);
    utimesSync(dir, past, past);
    const cache = cacheIn(home);
    const seen = { listings: 0, reads: 0 };
    const { readdir, readFile } = fs;
    fs.readdir = ((...args: Parameters<typeof readdir>) => {
      if (String(args[0]) === dir) seen.listings++;
      return readdir.apply(fs, args);
    }) as typeof fs.readdir;
    fs.readFile = ((...args: Parameters<typeof readFile>) => {
      if (String(args[0]).startsWith(dir)) seen.reads++;
      return readFile.apply(fs, args);
    }) as typeof fs.readFile;
    try {
      for (let i = 0; i < 5; i++) assert.equal(await cache.find(START_URL, 'eu-west-1', now, 0), undefined);
      assert.deepEqual(seen, { listings: 1, reads: 1 }, 'five renders, one listing and one read');

      // `aws sso login` adds a file: the folder changed, so it is listed again and the token found.
      const added = writeCliToken(home, 'b.json', { startUrl: START_URL, region: 'eu-west-1', accessToken: 'first', expiresAt: new Date(now + hour).toISOString() });
      assert.equal((await cache.find(START_URL, 'eu-west-1', now, 0))?.accessToken, 'first');
      // It rewrites that file in place (botocore's cache does): the folder's times stay, the file's change.
      utimesSync(dir, past, past);
      writeFileSync(added, JSON.stringify({ startUrl: START_URL, region: 'eu-west-1', accessToken: 'second', expiresAt: new Date(now + 2 * hour).toISOString() }));
      assert.equal((await cache.find(START_URL, 'eu-west-1', now, 0))?.accessToken, 'second');
      // And a logout elsewhere removes it.
      rmSync(added);
      assert.equal(await cache.find(START_URL, 'eu-west-1', now, 0), undefined);
    } finally {
      fs.readdir = readdir;
      fs.readFile = readFile;
    }
  });

  it('never trusts a token file another user could have planted: another owner, writable by others, a symbolic link', async function () {
    const user = otherUser();
    if (!user) this.skip(); // needs root to act as another user; CI runs as root
    try {
      const home = tempDir('aws-sessions-home-');
      const now = Date.now();
      const body = (token: string) => ({ startUrl: START_URL, region: 'eu-west-1', accessToken: token, expiresAt: new Date(now + 8 * hour).toISOString() });
      const planted = writeCliToken(home, 'planted.json', body('planted'));
      chownSync(planted, user.uid, user.gid);
      const warnings: string[] = [];
      assert.equal(await cacheIn(home, { warnings }).find(START_URL, 'eu-west-1', now, 0), undefined);
      assert.match(warnings.join('\n'), /belongs to another user/);
      chownSync(planted, 0, 0);
      chmodSync(planted, 0o666);
      assert.equal(await cacheIn(home, { warnings }).find(START_URL, 'eu-west-1', now, 0), undefined);
      assert.match(warnings.join('\n'), /can be changed by other users/);
      chmodSync(planted, 0o600);
      const elsewhere = join(tempDir('aws-sessions-elsewhere-'), 'token.json');
      writeFileSync(elsewhere, JSON.stringify(body('linked')), { mode: 0o600 });
      symlinkSync(elsewhere, join(home, '.aws', 'sso', 'cache', 'link.json'));
      chmodSync(planted, 0o622);
      assert.equal(await cacheIn(home).find(START_URL, 'eu-west-1', now, 0), undefined, 'neither the group-writable file nor the link');
      chmodSync(join(home, '.aws', 'sso', 'cache'), 0o777);
      chmodSync(planted, 0o600);
      assert.equal(await cacheIn(home).find(START_URL, 'eu-west-1', now, 0), undefined, 'a folder others can write is not read at all');
    } finally {
      user.remove();
    }
  });

  it('writes only with the opt-in, 0600, the access token and expiry (no refresh token), for the start URL and each sso-session; a logout removes them', async () => {
    const home = tempDir('aws-sessions-home-');
    const token = { accessToken: 'tok', expiresAt: new Date(Date.now() + hour).toISOString(), refreshToken: 'never-written', clientId: 'c', flow: 'device' as const };
    assert.deepEqual(await cacheIn(home).publish(START_URL, 'eu-west-1', token), [], 'off by default');
    assert.ok(!existsSync(join(home, '.aws', 'sso')));
    const cache = cacheIn(home, { write: true, sessions: ['acme'] });
    const files = await cache.publish(START_URL, 'eu-west-1', token);
    assert.deepEqual(files.map((f) => f.split('/').pop()), [cacheFileName(START_URL), cacheFileName('acme')]);
    for (const f of files) {
      assert.equal(statSync(f).mode & 0o777, 0o600);
      const body = JSON.parse(readFileSync(f, 'utf8')) as Record<string, unknown>;
      assert.deepEqual(Object.keys(body).sort(), ['accessToken', 'expiresAt', 'region', 'startUrl']);
      assert.match(String(body.expiresAt), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/, 'the format botocore writes');
    }
    assert.equal(statSync(join(home, '.aws', 'sso', 'cache')).mode & 0o777, 0o700);
    writeFileSync(files[1], JSON.stringify({ startUrl: START_URL, region: 'eu-west-1', accessToken: 'the-cli-own', expiresAt: token.expiresAt }));
    await cache.withdraw(START_URL, 'eu-west-1', 'tok');
    assert.deepEqual(readdirSync(join(home, '.aws', 'sso', 'cache')), [cacheFileName('acme')], 'a token the AWS CLI wrote since stays');
  });

  it('the real AWS CLI uses our login (opt-in on) for a profile with sso_start_url and one with sso_session, without aws sso login', async () => {
    const home = tempDir('aws-sessions-home-');
    h = await ssoHarness({ accounts: 2, roles: 1 }, { cliTokens: cacheIn(home, { write: true, sessions: ['acme-cli'] }) });
    const integration = await h.sso.addIntegration({ alias: 'acme', startUrl: START_URL, ssoRegion: 'eu-west-1' });
    await h.access.login(integration.id, h.ui(), 'device');
    const account = h.aws.sso.accounts()[1];
    const config = join(home, 'config');
    writeFileSync(
      config,
      `[profile legacy]\nregion = eu-west-1\nsso_start_url = ${START_URL}\nsso_region = eu-west-1\nsso_account_id = ${account.accountId}\nsso_role_name = ${account.roles[0]}\n\n` +
        `[sso-session acme-cli]\nsso_start_url = ${START_URL}\nsso_region = eu-west-1\n\n` +
        `[profile modern]\nregion = eu-west-1\nsso_session = acme-cli\nsso_account_id = ${account.accountId}\nsso_role_name = ${account.roles[0]}\n`,
    );
    const env = { PATH: process.env.PATH ?? '', HOME: home, AWS_CONFIG_FILE: config, AWS_SHARED_CREDENTIALS_FILE: join(home, 'none'), AWS_DATA_PATH: endpointRules(h.aws.endpoint) };
    for (const profile of ['legacy', 'modern']) {
      const ran = await runProcess(AWS_CLI, ['sts', 'get-caller-identity', '--profile', profile, '--endpoint-url', h.aws.endpoint, '--output', 'text', '--query', 'Arn'], env);
      assert.equal(ran.status, 0, `${profile}: ${ran.stderr}`);
      assert.match(ran.stdout, new RegExp(`^arn:aws:sts::${account.accountId}:assumed-role/AWSReservedSSO_${account.roles[0]}_`));
    }
  });

  it('after aws sso login (the real AWS CLI against the double), a sync needs no login of its own', async () => {
    const home = tempDir('aws-sessions-home-');
    h = await ssoHarness({ accounts: 3, roles: 1 }, { cliTokens: cacheIn(home), interactiveLogin: async () => assert.fail('asked for a login') });
    const integration = await h.sso.addIntegration({ alias: 'acme', startUrl: START_URL, ssoRegion: 'eu-west-1' });
    assert.equal(await h.access.loginState(integration.id), 'loggedOut');
    const config = join(home, 'config');
    writeFileSync(config, `[profile p]\nsso_start_url = ${START_URL}\nsso_region = eu-west-1\nsso_account_id = 200000000001\nsso_role_name = AdministratorAccess\n`);
    const env = { PATH: process.env.PATH ?? '', HOME: home, AWS_CONFIG_FILE: config, AWS_DATA_PATH: endpointRules(h.aws.endpoint) };
    // The AWS CLI prints the code and polls; the user approves it (here: the double's own approval).
    const aws = h.aws;
    const approve = setInterval(() => {
      for (const grant of aws.sso.pendingDevices()) aws.sso.decide(grant.userCode, true);
    }, 200);
    let ran;
    try {
      ran = await runProcess(AWS_CLI, ['sso', 'login', '--no-browser', '--profile', 'p'], env);
    } finally {
      clearInterval(approve);
    }
    assert.equal(ran.status, 0, ran.stdout + ran.stderr);
    assert.equal(await h.access.loginState(integration.id), 'loggedIn', 'the AWS CLI login counts');
    const report = await h.sso.sync(integration.id, { interactive: true });
    assert.equal(report.accounts, 3);
    assert.equal(h.shown.length, 0, 'no device code of our own');
  });
});
