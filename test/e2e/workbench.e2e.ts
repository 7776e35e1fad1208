import * as assert from 'node:assert/strict';
import { startEditor, type Editor } from './harness';

describe('workbench (e2e smoke)', () => {
  let editor: Editor | undefined;

  before(async () => {
    editor = await startEditor();
  });

  after(async () => {
    await editor?.stop();
  });

  it('shows the AWS Sessions container in the activity bar and opens it', async () => {
    assert.ok(editor);
    await editor.openSessionsView();
    const title = await editor.page.locator('.sidebar .composite.title').first().innerText();
    assert.match(title, /AWS SESSIONS/i);
    await editor.screenshot('sessions-view');
  });

  it('gives terminals the local AWS endpoint and the AWS CLI v2', async () => {
    assert.ok(editor);
    const { output, exitCode } = await editor.runInTerminal('echo "endpoint=$AWS_ENDPOINT_URL"; aws --version');
    assert.equal(exitCode, 0, output);
    assert.match(output, new RegExp(`endpoint=${editor.endpoint}`));
    assert.match(output, /aws-cli\/2\./);
  });
});
