/**
 * Shell completion: what `__complete` answers from the subcommand table, and the scripts in real shells
 * (bash always; zsh and fish syntax-checked when installed, else reported pending) with the shim on PATH.
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { SUBCOMMANDS } from '../../../src/cli/commands';
import { complete, completionScript, SHELLS } from '../../../src/cli/completion';
import { cliFixture, runProcess, stopServer, type CliFixture } from '../support/cli';
import { tempDir } from '../support/tempDirs';

const names = async () => ({ session: ['dev', 'prod', 'staging'], profile: ['default', 'dev'], integration: ['acme'] });
const has = (program: string) => spawnSync('sh', ['-c', `command -v ${program}`]).status === 0;

describe('shell completion', function () {
  describe('candidates from the subcommand table', () => {
    const c = (...words: string[]) => complete(SUBCOMMANDS, words, names);

    it('offers every visible subcommand, and only those starting with the typed prefix', async () => {
      const all = await c('');
      assert.deepEqual(all, SUBCOMMANDS.filter((s) => !s.hidden).map((s) => s.name));
      assert.ok(all.includes('integration') && all.includes('completion') && !all.includes('__complete'));
      assert.deepEqual(await c('int'), ['integration']);
      assert.deepEqual(await c('--'), ['--help', '--version']);
    });

    it('offers names where the table says a session, profile or integration goes', async () => {
      assert.deepEqual(await c('start', ''), ['dev', 'prod', 'staging']);
      assert.deepEqual(await c('start', 's'), ['staging']);
      assert.deepEqual(await c('start', 'dev', ''), [], 'start takes one session');
      assert.deepEqual(await c('current', ''), ['default', 'dev']);
      assert.deepEqual(await c('delivery', 'dev', 'credential'), ['credentialsFile', 'credentialProcess']);
      assert.deepEqual(await c('integration', ''), ['list', 'add', 'login', 'sync', 'logout', 'delete']);
      assert.deepEqual(await c('integration', 'login', ''), ['acme']);
      assert.deepEqual(await c('integration', 'list', ''), []);
      assert.deepEqual(await c('profile', 'rename', ''), ['default', 'dev']);
      assert.deepEqual(await c('completion', ''), [...SHELLS]);
    });

    it('completes option names and option values, and skips option values when counting arguments', async () => {
      assert.deepEqual(await c('set', 'dev', '--profile', ''), ['default', 'dev']);
      assert.deepEqual(await c('set', 'dev', '--delivery', 'd'), ['default']);
      assert.deepEqual(await c('export', '--format', 'f'), ['fish']);
      assert.deepEqual(await c('export', '--format', 'fish', ''), ['dev', 'prod', 'staging'], 'the value is not the session');
      assert.deepEqual(await c('integration', '--json', 'sync', ''), ['acme']);
      assert.deepEqual((await c('list', '--')).sort(), ['--help', '--json']);
      assert.deepEqual(await c('frobnicate', ''), []);
    });

    it('asks the editor for names only when a name is what fits', async () => {
      let asked = 0;
      await complete(SUBCOMMANDS, ['integration', ''], async () => (asked++, names()));
      await complete(SUBCOMMANDS, ['start', '--'], async () => (asked++, names()));
      assert.equal(asked, 0);
    });
  });

  describe('the scripts in real shells', function () {
    this.timeout(90_000);
    let f: CliFixture;
    let env: Record<string, string>;
    const bash = (script: string) => runProcess('bash', ['-c', script], env);

    before(async () => {
      f = await cliFixture({ sso: false });
      env = { ...f.env, PATH: `${dirname(f.shim)}:${f.env.PATH}` };
      const user = f.aws.user('alice');
      for (const alias of ['dev', 'prod']) assert.equal((await f.cli(['add', '--type', 'iamUser', '--alias', alias, '--profile', alias, '--region', 'eu-west-1'], `${user.accessKeyId}\n${user.secretAccessKey}\n`)).status, 0);
    });
    after(async () => f?.close());

    it('bash: the script registers the completion function', async () => {
      const r = await bash('source <(aws-sessions completion bash) && complete -p aws-sessions');
      assert.equal(r.status, 0, r.stderr);
      assert.equal(r.stdout, 'complete -o default -F _aws_sessions_complete aws-sessions\n');
    });

    it('bash: COMP_WORDS-driven completion of a subcommand, a nested subcommand and session names', async () => {
      const run = (words: string[]) =>
        bash(`source <(aws-sessions completion bash) && COMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')}) && COMP_CWORD=${words.length - 1} && _aws_sessions_complete && printf '%s\\n' "\${COMPREPLY[@]}"`);
      assert.equal((await run(['aws-sessions', 'integ'])).stdout, 'integration\n');
      assert.equal((await run(['aws-sessions', 'integration', 'lo'])).stdout, 'login\nlogout\n');
      assert.equal((await run(['aws-sessions', 'start', ''])).stdout, 'dev\nprod\n');
      assert.equal((await run(['aws-sessions', 'export', 'p'])).stdout, 'prod\n');
    });

    it('bash: a name with spaces, * and $( ) is inserted quoted, as text: never globbed or run', async () => {
      const alias = 'a $(touch ran) *';
      const user = f.aws.user('alice');
      assert.equal((await f.cli(['add', '--type', 'iamUser', '--alias', alias, '--profile', 'odd', '--region', 'eu-west-1'], `${user.accessKeyId}\n${user.secretAccessKey}\n`)).status, 0);
      try {
        const dir = tempDir('aws-sessions-completion-');
        writeFileSync(join(dir, 'a file'), '');
        // What the shell does with the candidate once inserted and the line run: here, print its words.
        const r = await bash(`cd '${dir}' && source <(aws-sessions completion bash) && COMP_WORDS=(aws-sessions start 'a') && COMP_CWORD=2 && _aws_sessions_complete && eval "printf '[%s]\\n' \${COMPREPLY[0]}"`);
        assert.equal(r.stdout, `[${alias}]\n`, r.stderr);
        assert.ok(!existsSync(join(dir, 'ran')), 'the $( ) in the name was not run');
      } finally {
        assert.equal((await f.cli(['delete', '--yes', alias])).status, 0);
      }
    });

    it('fish: complete -C offers subcommands, nested subcommands and session names as typed', async function () {
      if (!has('fish')) return this.skip();
      const run = (line: string) => runProcess('fish', ['-c', `aws-sessions completion fish | source; complete -C '${line}'`], env);
      assert.equal((await run('aws-sessions integ')).stdout, 'integration\n');
      assert.equal((await run('aws-sessions integration lo')).stdout, 'login\nlogout\n');
      assert.equal((await run('aws-sessions start ')).stdout, 'dev\nprod\n');
    });

    it('bash: with no editor serving, subcommands still complete and names offer nothing', async () => {
      await stopServer(f.server);
      const r = await runProcess('bash', ['-c', `source <(aws-sessions completion bash) && COMP_WORDS=(aws-sessions sta '') && COMP_CWORD=1 && _aws_sessions_complete && printf '%s\\n' "\${COMPREPLY[@]}" && COMP_WORDS=(aws-sessions start '') && COMP_CWORD=2 && _aws_sessions_complete && echo "[\${COMPREPLY[*]}]"`], env);
      assert.equal(r.stdout, 'start\n[]\n', r.stderr);
    });

    for (const shell of ['zsh', 'fish'] as const) {
      it(`${shell}: the script passes ${shell} -n`, async function () {
        if (!has(shell)) return this.skip();
        const script = join(tempDir('aws-sessions-completion-'), `aws-sessions.${shell}`);
        writeFileSync(script, completionScript(shell));
        const r = await runProcess(shell, ['-n', script], env);
        assert.equal(r.status, 0, r.stderr);
      });
    }
  });
});
