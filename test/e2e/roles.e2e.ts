/**
 * Issue 3 through the UI: a SAML session through the form, "Test credentials", the full sign-in in
 * headless Chromium on the double's IdP page (the POST to the sign-in URL intercepted), then "Create
 * Chained Session" from the tree and expiry-aware rotation with 90-second credentials.
 */
import * as assert from 'node:assert/strict';
import { startEditor, startLocalAws, waitFor, type Editor, type LocalAws } from './harness';

const ROLE = 'arn:aws:iam::111111111111:role/SamlDev';
const PROVIDER = 'arn:aws:iam::111111111111:saml-provider/DoubleIdP';

const keyOf = (text: string | undefined, profile: string) => new RegExp(`\\[${profile}\\]\\naws_access_key_id = (ASIA\\w+)`).exec(text ?? '')?.[1];

describe('role sessions (browser end to end)', function () {
  this.timeout(300_000);
  let editor: Editor;
  let aws: LocalAws;

  before(async () => {
    aws = await startLocalAws();
    const post = (path: string, body: unknown) => fetch(`${aws.endpoint}/_double/${path}`, { method: 'POST', body: JSON.stringify(body) });
    await post('config', { samlSignatureRequired: true });
    editor = await startEditor({
      localAws: aws,
      viewport: { width: 1400, height: 900 },
      env: { AWS_SESSIONS_SAML_SIGNIN_URLS: `${aws.endpoint}/saml`, AWS_SESSIONS_SAML_HEADLESS: '1' },
    });
  });

  after(async () => {
    await editor?.stop();
    await aws?.stop();
  });

  it('SAML: the form tests and creates the session; start signs in through the IdP page in headless Chromium', async () => {
    const page = editor.page;
    await editor.openSessionsView();
    await editor.runCommand('AWS Sessions: Add Session');
    await editor.pick('IAM Role Federated (SAML 2.0)');
    const form = editor.webview();
    await form.getByLabel('Session alias').fill('corp');
    await form.getByLabel('Named profile').fill('corp');
    await form.getByLabel('Region').selectOption('eu-west-1');
    await form.getByLabel('Role ARN').fill('arn:aws:iam::12345:role/SamlDev');
    await form.getByLabel('SAML 2.0 sign-in URL').fill(`${aws.endpoint}/_double/idp?role=${encodeURIComponent(ROLE)}&provider=${encodeURIComponent(PROVIDER)}&acs=${encodeURIComponent(`${aws.endpoint}/saml`)}&user=jane`);
    await form.getByLabel('Identity provider ARN').fill(PROVIDER);
    await form.getByRole('button', { name: 'Test credentials' }).click();
    await waitFor(async () => /12-digit account/.test(await form.locator('#field-roleArn-error').innerText()), { what: 'the role ARN error' });
    await form.getByLabel('Role ARN').fill(ROLE);
    await form.getByRole('button', { name: 'Test credentials' }).click();
    const result = await waitFor(async () => {
      const text = await form.locator('#test-result').innerText();
      return /Credentials work|✗/.test(text) ? text : '';
    }, { what: 'the test result', timeoutMs: 60_000 });
    assert.match(result, /Credentials work: arn:aws:sts::111111111111:assumed-role\/SamlDev\/jane/);
    assert.equal(editor.readAwsFiles().credentials?.includes('[corp]'), false, 'a test writes nothing');
    await editor.screenshot('saml-form-tested');
    await form.getByRole('button', { name: 'Create session' }).click();

    const row = editor.treeItem('corp');
    await editor.clickRowAction(row, 'Start Session');
    await waitFor(() => keyOf(editor.readAwsFiles().credentials, 'corp'), { what: 'SAML credentials in the credentials file', timeoutMs: 60_000 });
    const { output, exitCode } = await editor.runInTerminal(editor.aws('sts get-caller-identity --profile corp --query Arn --output text'));
    assert.equal(exitCode, 0, output);
    assert.match(output, /assumed-role\/SamlDev\/jane/);
    const calls = (await (await fetch(`${aws.endpoint}/_double/calls?action=AssumeRoleWithSAML`)).json()) as { calls: Array<{ status: number }> };
    assert.deepEqual(calls.calls.map((c) => c.status), [200, 200], 'the test and the start; the sign-in POST itself never left the browser');
    await page.keyboard.press('Escape');
  });

  it('"Create Chained Session" pre-fills the form; with 90-second credentials the file is rotated before they expire', async () => {
    await fetch(`${aws.endpoint}/_double/config`, { method: 'POST', body: JSON.stringify({ credentialSeconds: 90 }) });
    const row = editor.treeItem('corp');
    await row.click();
    await row.click({ button: 'right' });
    const entry = editor.page.getByRole('menuitem', { name: /^Create Chained Session/ }).first();
    await entry.waitFor({ state: 'visible' });
    await editor.page.waitForTimeout(300); // the menu fades in; clicks during the animation are dropped
    await entry.click();
    const form = editor.webview();
    await waitFor(async () => (await form.getByLabel('Session alias').inputValue()) === 'corp-chained', { what: 'the pre-filled alias' });
    assert.equal(await form.getByLabel('Region').inputValue(), 'eu-west-1');
    assert.match(await form.locator('#field-assumerSessionId option:checked').innerText(), /^corp \(IAM Role Federated/);
    await form.getByLabel('Named profile').fill('chained');
    await form.getByLabel('Role ARN').fill('arn:aws:iam::111111111111:role/Deploy');
    await editor.screenshot('chained-form-prefilled');
    await form.getByRole('button', { name: 'Create session' }).click();

    const chained = editor.treeItem('corp-chained');
    await editor.clickRowAction(chained, 'Start Session');
    const first = await waitFor(() => keyOf(editor.readAwsFiles().credentials, 'chained'), { what: 'chained credentials', timeoutMs: 60_000 });
    const startedAt = Date.now();
    const rotated = await waitFor(() => {
      const key = keyOf(editor.readAwsFiles().credentials, 'chained');
      return key && key !== first ? key : '';
    }, { what: 'the rotated chained credentials', timeoutMs: 100_000, intervalMs: 500 });
    const after = Date.now() - startedAt;
    assert.ok(after < 90_000, `rotated ${Math.round(after / 1000)} s after start, before the 90 s expiry`);
    assert.notEqual(rotated, first);
    const { output, exitCode } = await editor.runInTerminal(editor.aws('sts get-caller-identity --profile chained --query Arn --output text'));
    assert.equal(exitCode, 0, output);
    assert.match(output, /assumed-role\/Deploy\/aws-sessions-corp-chained/);
  });
});
