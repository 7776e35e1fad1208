#!/usr/bin/env node
// `npm run demo`: a real VS Code (code-server) on 127.0.0.1 with the packaged extension installed,
// the local AWS test double, and demo sessions seeded from the double's users, ready to click through.
// Installs what is missing first. Runs until Ctrl-C. State lives in .cache/demo (fresh each run).
// Options: --port <p> (default 8090), --no-package (load the source folder as a development extension).
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setup } from './setup.mjs';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const argv = process.argv.slice(2);
const port = Number(argv[argv.indexOf('--port') + 1]) || 8090;
const root = join(REPO, '.cache', 'demo');
const say = (line) => console.log(`[demo] ${line}`);

await setup();
const { codeServerBin } = await import('./install-code-server.mjs');
const { startCodeServer, developmentPayload } = await import('./codeServer.mjs');

rmSync(root, { recursive: true, force: true });
mkdirSync(root, { recursive: true });
const packaged = !argv.includes('--no-package');
say(packaged ? 'packaging the extension (npm run package)' : 'building the extension');
const build = packaged ? spawnSync('npm', ['run', '--silent', 'package'], { cwd: REPO, stdio: 'inherit' }) : spawnSync(process.execPath, ['esbuild.config.mjs'], { cwd: REPO, stdio: 'inherit' });
if (build.status !== 0) throw new Error('build failed');

say('starting the local AWS double');
const double = spawn(process.execPath, ['scripts/local-aws.mjs', '--port', '0'], { cwd: REPO, stdio: ['ignore', 'pipe', 'inherit'] });
const ready = await new Promise((resolveLine, reject) => {
  const lines = createInterface({ input: double.stdout });
  lines.once('line', (line) => resolveLine(JSON.parse(line)));
  double.once('exit', (code) => reject(new Error(`the local AWS double exited (${code})`)));
});
const seedFile = join(root, 'seed.json');
writeFileSync(seedFile, JSON.stringify(ready), { mode: 0o600 });

const home = join(root, 'home');
mkdirSync(join(home, '.aws'), { recursive: true, mode: 0o700 });
writeFileSync(join(home, '.aws', 'config'), '# Your own settings stay as they are.\n[profile personal]\nregion = eu-north-1\noutput = json\n');
writeFileSync(join(home, '.aws', 'credentials'), '# A foreign profile AWS Sessions never touches\n[personal]\naws_access_key_id = AKIAEXAMPLEPERSONAL1\naws_secret_access_key = personalSecretExampleKey000000000000000\n');

const extensionsDir = join(root, 'extensions');
if (packaged) {
  const install = spawnSync(codeServerBin(), ['--extensions-dir', extensionsDir, '--user-data-dir', join(root, 'user-data'), '--install-extension', join(REPO, 'dist', 'aws-sessions.vsix')], { stdio: 'inherit', env: { ...process.env, HOME: home } });
  if (install.status !== 0) throw new Error('installing the .vsix into code-server failed');
}
mkdirSync(join(root, 'user-data', 'User'), { recursive: true });
writeFileSync(join(root, 'user-data', 'User', 'settings.json'), JSON.stringify({ 'workbench.startupEditor': 'none', 'security.workspace.trust.enabled': false, 'terminal.integrated.enablePersistentSessions': false, 'git.openRepositoryInParentFolders': 'never' }, null, 2));

const server = await startCodeServer({
  root,
  home,
  port,
  userDataDir: join(root, 'user-data'),
  extensionsDir,
  workspace: join(root, 'workspace'),
  env: { AWS_ENDPOINT_URL: ready.endpoint, AWS_SESSIONS_DEMO_SEED: seedFile },
});
const url = packaged ? server.url() : server.url({ payload: developmentPayload(server, { extensionPath: REPO }) });

console.log(`
  AWS Sessions demo
  ─────────────────
  Open:            ${url}
  Local AWS:       ${ready.endpoint}   (STS; terminals: aws --endpoint-url ${ready.endpoint} sts get-caller-identity)
  Demo sessions:   ${ready.users.map((u) => `${u.name}${u.mfaSerial ? ' (MFA)' : ''}`).join(', ')} — already in the AWS Sessions view
  MFA code:        ${ready.users.find((u) => u.mfaCodeUrl)?.mfaCodeUrl ?? 'n/a'}   (open it to read the current 6-digit code)
  Files:           ${join(home, '.aws')}
  Stop with Ctrl-C.
`);

let stopping = false;
async function stop() {
  if (stopping) return;
  stopping = true;
  say('stopping');
  await server.stop();
  double.kill('SIGTERM');
  process.exit(0);
}
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
