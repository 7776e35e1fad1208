/** `aws-sessions export` formats: hostile values come back byte for byte through real shells, and never run. */
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { formatExport, shQuote } from '../../../src/cli/exportFormat';
import { parseExecArgs } from '../../../src/cli/exec';
import { tempDir } from '../support/tempDirs';

const dir = tempDir('aws-sessions-export-');
const PWNED = join(dir, 'pwned');
const HOSTILE = [
  "it's",
  `'; touch ${PWNED}; '`,
  `$(touch ${PWNED})`,
  `\`touch ${PWNED}\``,
  '"double" \\back\\slash\\',
  'new\nline\r\nand\ttab',
  '$HOME ${HOME} $((1+1)) !! !$ * ? [a] ~ #',
  `\\'; touch ${PWNED}; echo '`,
  'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY+/=',
  '',
  'ünïcödé ‘curly’ “quotes”',
];

describe('export formats', () => {
  for (const shell of ['/bin/sh', '/usr/bin/bash', '/usr/bin/dash'].filter((s) => existsSync(s))) {
    it(`sh: ${shell} evaluates every hostile value to itself and runs none of it`, () => {
      HOSTILE.forEach((value, i) => {
        const script = formatExport('sh', { AWS_SECRET_ACCESS_KEY: value, AWS_REGION: 'eu-west-1' }, ['AWS_PROFILE']);
        const out = execFileSync(shell, ['-c', 'eval "$1"; printf "%s|%s|%s" "$AWS_SECRET_ACCESS_KEY" "${AWS_PROFILE-unset}" "$AWS_REGION"', 'sh', script], { env: { PATH: process.env.PATH, HOME: dir, AWS_PROFILE: 'stale' }, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
        assert.equal(out, `${value}|unset|eu-west-1`, `value ${i}`);
      });
      assert.ok(!existsSync(PWNED), 'no value was executed');
    });
  }

  it('sh quoting alone survives a round trip of every byte 1–255', () => {
    const value = Array.from({ length: 255 }, (_, i) => String.fromCharCode(i + 1)).join('');
    const out = execFileSync('/bin/sh', ['-c', `printf %s ${shQuote(value)}`], { encoding: 'latin1' });
    assert.equal(out, Buffer.from(value, 'utf8').toString('latin1'));
  });

  it('fish and PowerShell: single-quoted with only their escapes (no shell here to run them)', () => {
    assert.equal(formatExport('fish', { A: `it's \\ $x` }, ['AWS_PROFILE']), `set -e AWS_PROFILE\nset -gx A 'it\\'s \\\\ $x'`);
    assert.equal(formatExport('powershell', { A: "it's ‘q’ $x `n" }, ['AWS_PROFILE']), "Remove-Item Env:AWS_PROFILE -ErrorAction SilentlyContinue\n$Env:A = 'it''s ‘‘q’’ $x `n'");
  });

  it('json and dotenv keep values exactly; dotenv escapes quotes, backslashes, $ and newlines', () => {
    const variables = { A: HOSTILE[4], B: HOSTILE[5], C: '$HOME' };
    assert.deepEqual(JSON.parse(formatExport('json', variables)), variables);
    assert.equal(formatExport('dotenv', variables), 'A="\\"double\\" \\\\back\\\\slash\\\\"\nB="new\\nline\\r\\nand\ttab"\nC="\\$HOME"');
  });

  it('docker names the variables only: no value on the command line', () => {
    const out = formatExport('docker', { AWS_CONTAINER_CREDENTIALS_FULL_URI: 'http://127.0.0.1:1/v1/sessions/x', AWS_CONTAINER_AUTHORIZATION_TOKEN: 'secret-token' });
    assert.equal(out, '--network host -e AWS_CONTAINER_CREDENTIALS_FULL_URI -e AWS_CONTAINER_AUTHORIZATION_TOKEN');
  });

  it('refuses a name that is not an identifier', () => {
    assert.throws(() => formatExport('sh', { 'A;rm': 'x' }), /not a variable name/);
  });

  it('exec arguments: our flags before the command, the command untouched', () => {
    assert.deepEqual(parseExecArgs(['--profile-only', 'dev', '--', 'aws', '--help']), { session: 'dev', command: ['aws', '--help'], profileOnly: true, endpoint: false, help: false });
    assert.deepEqual(parseExecArgs(['dev', 'aws', 's3', 'ls', '--recursive']).command, ['aws', 's3', 'ls', '--recursive']);
    assert.deepEqual(parseExecArgs(['--endpoint', 'dev', 'sh', '-c', 'echo --profile-only']), { session: 'dev', command: ['sh', '-c', 'echo --profile-only'], profileOnly: false, endpoint: true, help: false });
    assert.throws(() => parseExecArgs(['--bogus', 'dev', 'x']), /unknown option --bogus/);
    assert.throws(() => parseExecArgs(['--endpoint', '--profile-only', 'dev', 'x']), /exclude/);
  });
});
