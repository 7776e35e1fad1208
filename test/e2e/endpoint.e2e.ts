/**
 * The credentials endpoint end to end: with `awsSessions.terminal.delivery` = `endpoint`, a new integrated
 * terminal gets the container credentials variables instead of AWS_PROFILE, and the real AWS CLI in it gets
 * the session's identity with no AWS files at all; a wrong token gets nothing.
 */
import * as assert from 'node:assert/strict';
import { startEditor, type Editor } from './harness';

describe('the credentials endpoint in terminals (browser end to end)', function () {
  this.timeout(240_000);
  let editor: Editor;

  before(async () => {
    editor = await startEditor({ viewport: { width: 1400, height: 900 }, settings: { 'awsSessions.terminal.delivery': 'endpoint' } });
  });

  after(async () => {
    await editor?.stop();
  });

  it('a terminal runs the real AWS CLI through the endpoint with no AWS files; a wrong token is refused', async () => {
    const bob = editor.localAws!.users.find((u) => u.name === 'bob')!;
    await editor.openSessionsView();
    const added = await editor.runInTerminal(`printf '%s\\n%s\\n' ${bob.accessKeyId} ${bob.secretAccessKey} | aws-sessions add --type iamUser --alias bob-endpoint --profile default --region eu-west-1`);
    assert.equal(added.exitCode, 0, added.output);
    await editor.clickRowAction(editor.treeItem('bob-endpoint'), 'Start Session');
    // Active once the status bar shows it: terminals opened from now on get the endpoint's variables.
    await editor.page.locator('.statusbar-item').filter({ hasText: /default · bob-endpoint · / }).first().waitFor({ state: 'visible', timeout: 30_000 });

    // No AWS files for the AWS CLI in that terminal: only what the endpoint serves.
    const noFiles = 'AWS_CONFIG_FILE=/nonexistent/config AWS_SHARED_CREDENTIALS_FILE=/nonexistent/credentials';
    const { output, exitCode } = await editor.runInTerminal(
      `echo "profile=\${AWS_PROFILE:-none} uri=$AWS_CONTAINER_CREDENTIALS_FULL_URI token=\${#AWS_CONTAINER_AUTHORIZATION_TOKEN}"; ${noFiles} ${editor.aws('sts get-caller-identity --query Arn --output text')}`,
    );
    assert.equal(exitCode, 0, output);
    assert.match(output, /profile=none uri=http:\/\/127\.0\.0\.1:\d+\/v1\/sessions\/\S+ token=\d{2,}/);
    assert.ok(output.includes(bob.arn), output);
    await editor.screenshot('terminal-endpoint');

    const wrong = await editor.runInTerminal(`AWS_CONTAINER_AUTHORIZATION_TOKEN=not-the-token ${noFiles} ${editor.aws('sts get-caller-identity --query Arn --output text')}`);
    assert.notEqual(wrong.exitCode, 0, wrong.output);
    assert.ok(!wrong.output.includes(bob.arn), wrong.output);
  });
});
