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
  it('SAML: one sign-in offers four roles; three more sessions from the pick start with no second sign-in', async () => {
    await fetch(`${aws.endpoint}/_double/config`, { method: 'POST', body: JSON.stringify({ credentialSeconds: 3600 }) });
    const roles = ['SamlDev', 'SamlOps', 'SamlAdmin', 'SamlRead'].map((r) => `arn:aws:iam::111111111111:role/${r}`);
    const idpUrl = `${aws.endpoint}/_double/idp?${roles.map((r) => `role=${encodeURIComponent(r)}`).join('&')}&provider=${encodeURIComponent(PROVIDER)}&acs=${encodeURIComponent(`${aws.endpoint}/saml`)}&user=sam`;
    const calls = async (service: string, action: string) =>
      ((await (await fetch(`${aws.endpoint}/_double/calls?service=${service}&action=${action}`)).json()) as { calls: Array<{ status: number }> }).calls;
    const signInsBefore = (await calls('idp', 'SamlSignIn')).length;
    await editor.openSessionsView();
    const added = await editor.runInTerminal(`aws-sessions add --type iamRoleFederated --alias org --profile org --region eu-west-1 --role-arn ${roles[0]} --idp-url '${idpUrl}' --saml-provider-arn ${PROVIDER}`);
    assert.equal(added.exitCode, 0, added.output);
    const row = editor.treeItem(/^org/);
    await editor.clickRowAction(row, 'Start Session');
    await waitFor(() => keyOf(editor.readAwsFiles().credentials, 'org'), { what: 'SAML credentials of "org"', timeoutMs: 60_000 });

    await row.click();
    await row.click({ button: 'right' });
    const entry = editor.page.getByRole('menuitem', { name: /^Add Sessions for the Other Roles/ }).first();
    await entry.waitFor({ state: 'visible' });
    await editor.page.waitForTimeout(300); // the menu fades in; clicks during the animation are dropped
    await entry.click();
    const pick = editor.page.locator('.quick-input-widget');
    await waitFor(async () => /Roles the IdP of "org" offers/.test(await pick.innerText()), { what: 'the pick of the other roles' });
    const offered = await pick.locator('.quick-input-list .monaco-list-row').allInnerTexts();
    assert.equal(offered.length, 3, offered.join(' | '));
    await editor.screenshot('saml-other-roles');
    await editor.page.keyboard.press('Enter');
    await editor.notification(/3 session\(s\) created/);

    const started = await editor.runInTerminal(
      ["aws-sessions start 'SamlOps (111111111111)'", "aws-sessions start 'SamlAdmin (111111111111)'", "aws-sessions start 'SamlRead (111111111111)'"].join(' && ') +
        ' && ' +
        ['SamlOps', 'SamlAdmin', 'SamlRead'].map((r) => editor.aws(`sts get-caller-identity --profile 111111111111-${r} --query Arn --output text`)).join(' && '),
      { timeoutMs: 120_000 },
    );
    assert.equal(started.exitCode, 0, started.output);
    // The IdP's session cookie may name the user of an earlier sign-in in this browser (jane), as a real IdP's would.
    for (const r of ['SamlOps', 'SamlAdmin', 'SamlRead']) assert.match(started.output, new RegExp(`assumed-role/${r}/\\w+`));
    assert.equal((await calls('idp', 'SamlSignIn')).length - signInsBefore, 1, 'one browser round trip to the IdP for all four sessions');
    assert.ok((await calls('sts', 'AssumeRoleWithSAML')).filter((c) => c.status === 200).length >= 4);
  });
});
