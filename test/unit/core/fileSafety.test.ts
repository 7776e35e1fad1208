/**
 * The user's files against a local attacker and a crash: write protection respected, temp files never
 * readable by others and not left behind by dead writers, errors that name the file, the cause and the fix.
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { writeFileAtomic } from '../../../src/core/awsFiles/atomicFile';
import { AwsFiles } from '../../../src/core/awsFiles/awsFiles';
import { CredentialsFileDelivery } from '../../../src/core/fileDelivery';
import { fileLock } from '../../../src/core/fileLock';
import { FileStateStore } from '../../../src/core/stateStore';
import { deliverOne } from '../support/fakes';
import { tempDir } from '../support/tempDirs';

const creds = { aws_access_key_id: 'ASIATEST', aws_secret_access_key: 'sec', aws_session_token: 'tok' };
const mode = async (p: string) => (await fs.stat(p)).mode & 0o777;
const CREDENTIALS = '[work]\naws_access_key_id = AKIAWORK000000000001\naws_secret_access_key = longTermSecret\n';
const CONFIG = '[profile dev]\nregion = eu-central-1\n';

/** A pid that existed on this host and has exited. */
function deadPid(): number {
  return Number(spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout);
}

/** The message a user reads must name the file, say the cause in words and what to do; no bare code. */
function assertDescribes(error: unknown, file: string, cause: RegExp): true {
  assert.ok(error instanceof Error, String(error));
  const text = `${error.message} ${(error as { fix?: string }).fix ?? ''}`;
  assert.ok(text.includes(file), `names ${file}: ${text}`);
  assert.match(text, cause);
  assert.match(text, /then try again|try again|make it writable|Free some space|Rename or remove/i, `says what to do: ${text}`);
  assert.doesNotMatch(error.message, /^E[A-Z]+:/, `not a bare system error: ${error.message}`);
  return true;
}

describe('file safety', () => {
  let home: string;
  let files: AwsFiles;
  beforeEach(async () => {
    home = tempDir('filesafety-');
    await fs.mkdir(path.join(home, '.aws'));
    files = new AwsFiles({ env: {}, homeDir: home, lock: fileLock(path.join(home, 'aws.lock')) });
  });
  afterEach(async () => {
    for (const f of [files.credentialsPath, files.configPath]) await fs.chmod(f, 0o600).catch(() => undefined);
    await fs.rm(home, { recursive: true, force: true });
  });

  describe('a write-protected file (chmod 444) is refused, not replaced', () => {
    for (const kind of ['credentials', 'config'] as const) {
      it(`${kind}: an error naming the file and the reason; bytes and mode unchanged`, async () => {
        await fs.writeFile(files.credentialsPath, CREDENTIALS);
        await fs.writeFile(files.configPath, CONFIG);
        const target = kind === 'credentials' ? files.credentialsPath : files.configPath;
        await fs.chmod(target, 0o444);
        const delivery = new CredentialsFileDelivery(files);
        const target_ = { profileName: 'dev', region: 'eu-west-1', sessionAlias: 'dev', sessionId: 's-1', mode: 'credentialsFile' as const };
        await assert.rejects(
          deliverOne(delivery, target_, { accessKeyId: 'ASIANEW', secretAccessKey: 'new-secret', sessionToken: 'new-token', expiration: new Date() }),
          (e: unknown) => assertDescribes(e, target, /read-only|write-protected/),
        );
        assert.equal(await fs.readFile(files.credentialsPath, 'utf8'), CREDENTIALS);
        assert.equal(await fs.readFile(files.configPath, 'utf8'), CONFIG);
        assert.equal(await mode(target), 0o444);
        assert.deepEqual((await fs.readdir(path.join(home, '.aws'))).sort(), ['config', 'credentials'], 'no temp file left');
      });
    }

    it('a revert into a write-protected file is refused too (Stop says why)', async () => {
      const owned = await files.applyCredentials('dev', creds);
      await fs.chmod(files.credentialsPath, 0o400);
      const before = await fs.readFile(files.credentialsPath, 'utf8');
      await assert.rejects(files.revert(owned), (e: unknown) => assertDescribes(e, files.credentialsPath, /read-only|write-protected/));
      assert.equal(await fs.readFile(files.credentialsPath, 'utf8'), before);
    });
  });

  describe('temp files', () => {
    it('are 0600 until they have the target name, whatever the target mode', async () => {
      await fs.writeFile(files.credentialsPath, CREDENTIALS, { mode: 0o644 });
      await fs.chmod(files.credentialsPath, 0o644);
      const seen: number[] = [];
      const rename = fs.rename;
      fs.rename = async (from, to) => {
        seen.push((await fs.stat(from)).mode & 0o777);
        return rename(from, to);
      };
      try {
        await files.applyCredentials('dev', creds);
      } finally {
        fs.rename = rename;
      }
      assert.deepEqual(seen, [0o600], 'the temp file was 0600 when renamed');
      assert.equal(await mode(files.credentialsPath), 0o644, 'the target keeps its mode');
    });

    it('of dead writers are removed on the next write; those of live processes and other names stay', async () => {
      await fs.writeFile(files.credentialsPath, CREDENTIALS);
      const dir = path.join(home, '.aws');
      const dead = deadPid();
      const stale = [`.credentials.${dead}.0123456789ab.tmp`, `.credentials.${dead}-${'0'.repeat(8)}.0123456789ab.tmp`.replace('0'.repeat(8), hostTagOfThisHost())];
      const kept = [`.credentials.${process.ppid}.0123456789ab.tmp`, '.credentials.backup.tmp', `.config.${dead}.0123456789ab.tmp`, `.credentials.${dead}-ffffffff.0123456789ab.tmp`];
      for (const name of [...stale, ...kept]) await fs.writeFile(path.join(dir, name), 'aws_secret_access_key = old long-term key\n', { mode: 0o644 });
      await files.applyCredentials('dev', creds);
      const left = await fs.readdir(dir);
      for (const name of stale) assert.ok(!left.includes(name), `${name} removed`);
      for (const name of kept.slice(0, 2)) assert.ok(left.includes(name), `${name} kept (live writer or not ours)`);
      assert.ok(left.includes(kept[2]), 'the config file’s temps wait for a write of the config file');
      assert.ok(left.includes(kept[3]), 'a temp of another host is not judged here');
    });

    it('of sessions.json: 0600, and those of dead writers removed on the next update', async () => {
      const storage = path.join(home, 'storage');
      await fs.mkdir(storage);
      const stale = path.join(storage, `.sessions.json.${deadPid()}.0123456789ab.tmp`);
      await fs.writeFile(stale, '{}', { mode: 0o644 });
      const store = new FileStateStore({ filePath: path.join(storage, 'sessions.json'), pollMs: 0 });
      await store.update((s) => {
        s.terminalProfile = 'dev';
      });
      await assert.rejects(fs.stat(stale), /ENOENT/);
      assert.equal(await mode(path.join(storage, 'sessions.json')), 0o600);
    });
  });

  describe('errors name the file, the cause in words and the fix', () => {
    it('a folder where the credentials file should be (EISDIR), on write and on read', async () => {
      await fs.mkdir(files.credentialsPath);
      await assert.rejects(files.applyCredentials('dev', creds), (e: unknown) => assertDescribes(e, files.credentialsPath, /folder/));
      await assert.rejects(files.listProfiles(), (e: unknown) => assertDescribes(e, files.credentialsPath, /folder/));
    });

    it('a full disk (ENOSPC): named, explained, nothing changed, no temp file left', async () => {
      await fs.writeFile(files.configPath, CONFIG);
      const open = fs.open;
      fs.open = (async (p: Parameters<typeof open>[0], ...rest: unknown[]) => {
        const handle = await (open as (...a: unknown[]) => ReturnType<typeof open>)(p, ...rest);
        if (path.basename(String(p)).startsWith('.config.') && String(p).endsWith('.tmp')) {
          handle.writeFile = async () => {
            throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', errno: -28, syscall: 'write' });
          };
        }
        return handle;
      }) as typeof open;
      try {
        await assert.rejects(files.applyConfig('dev', { region: 'eu-west-1' }), (e: unknown) => assertDescribes(e, files.configPath, /disk is full/));
      } finally {
        fs.open = open;
      }
      assert.equal(await fs.readFile(files.configPath, 'utf8'), CONFIG);
      assert.deepEqual(await fs.readdir(path.join(home, '.aws')), ['config']);
    });

    it('the state file: a folder in its place is named with the cause', async () => {
      const stateFile = path.join(home, 'sessions.json');
      await fs.mkdir(stateFile);
      const store = new FileStateStore({ filePath: stateFile, pollMs: 0 });
      await assert.rejects(store.read(), (e: unknown) => assertDescribes(e, stateFile, /folder/));
    });

    it('a file in place of the state file’s folder (ENOTDIR)', async () => {
      await fs.writeFile(path.join(home, 'notadir'), '');
      await assert.rejects(writeFileAtomic(path.join(home, 'notadir', 'sessions.json'), '{}'), (e: unknown) => assertDescribes(e, path.join(home, 'notadir', 'sessions.json'), /not a folder|is a file/));
    });
  });
});

function hostTagOfThisHost(): string {
  // Same tag the writer puts in its temp names (FNV-1a of the host name).
  let h = 0x811c9dc5;
  const host = os.hostname();
  for (let i = 0; i < host.length; i++) h = Math.imul(h ^ host.charCodeAt(i), 0x01000193) >>> 0;
  return h.toString(16).padStart(8, '0');
}
