/**
 * Sessions a project declares, in a real VS Code: a folder gets a .vscode/aws-sessions.json, the watcher
 * offers it, the user previews and confirms, and the sessions are there, marked as the folder's; a change of
 * the file updates them; the command then finds nothing left to do.
 */
import * as assert from 'node:assert/strict';
import { mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import * as sinon from 'sinon';
import { Commands, DECLARED_PREVIEW_SCHEME, EXTENSION_ID } from '../../src/core/constants';
import type { AwsSessionsApi } from '../../src/extension';
import type { PersistedState } from '../../src/core/model';
import type { DeclaredCheck } from '../../src/declaredSessions';

const ROLE = 'arn:aws:iam::333333333333:role/Reader';
const file = (duration: number) =>
  JSON.stringify(
    {
      integrations: [{ alias: 'declared-portal', startUrl: 'https://d-9999999999.awsapps.com/start', region: 'eu-west-1' }],
      sessions: [
        { type: 'saml', alias: 'declared-corp', idpUrl: 'https://idp.example.com/app/amazon_aws/sso/saml', roleArn: ROLE, providerArn: 'arn:aws:iam::333333333333:saml-provider/Okta', profile: 'declared-corp', region: 'us-east-1' },
        { type: 'chained', alias: 'declared-deploy', assumer: 'declared-corp', roleArn: 'arn:aws:iam::444444444444:role/Deploy', durationSeconds: duration, profile: 'declared-deploy', region: 'us-east-1' },
        { type: 'sso', alias: 'declared-dev', integration: 'declared-portal', accountId: '111111111111', roleName: 'Admin', profile: 'declared-dev' },
      ],
      expectedAccountIds: { 'declared-deploy': ['444444444444'] },
    },
    null,
    2,
  );

describe('declared project sessions', function () {
  this.timeout(150_000);
  let api: AwsSessionsApi;
  let folder: vscode.WorkspaceFolder;
  const sandbox = sinon.createSandbox();
  const offers: string[] = [];
  const previews: string[] = [];
  const shownAs: string[] = [];
  const sourceEditors: number[] = [];

  /** Resolves with the state once `done` holds (the watcher and the apply run on their own). */
  const stateWhere = (done: (s: PersistedState) => boolean) =>
    new Promise<PersistedState>((resolve, reject) => {
      const timer = setTimeout(() => {
        sub.dispose();
        void api.service.state.read().then((s) =>
          reject(new Error(`the state never got there; messages: ${JSON.stringify(seen)}; sessions: ${JSON.stringify(s.sessions.map((x) => [x.alias, x.kind, !!x.declaredBy]))}; integrations: ${JSON.stringify((s.integrations ?? []).map((i) => [i.alias, i.startUrl, !!i.declaredBy]))}`)),
        );
      }, 45_000);
      const check = async () => {
        const s = await api.service.state.read();
        if (!done(s)) return false;
        clearTimeout(timer);
        sub.dispose();
        resolve(s);
        return true;
      };
      const sub = api.service.state.onDidChange(() => void check());
      void check();
    });
  /** Every message the extension showed while the test ran (a failure names them). */
  const seen: string[] = [];
  /**
   * Writes the file as a user's editor would and waits for the offer. VS Code's recursive workspace watcher may
   * start seconds after the window (a big folder, a busy machine) and misses what changed before: the same
   * content is written again every 2 s until the offer comes (the same plan is never offered twice).
   */
  const writeUntilOffered = async (content: string, count: number) => {
    const path = join(folder.uri.fsPath, '.vscode', 'aws-sessions.json');
    for (let i = 0; i < 40 && offers.length < count; i++) {
      writeFileSync(path, content);
      for (let j = 0; j < 20 && offers.length < count; j++) await new Promise((r) => setTimeout(r, 100));
    }
    assert.equal(offers.length, count, `no offer after 80 s of writes; messages: ${JSON.stringify(seen)}`);
  };

  before(async () => {
    api = await vscode.extensions.getExtension<AwsSessionsApi>(EXTENSION_ID)!.activate();
    await api.ready;
    folder = vscode.workspace.workspaceFolders![0];
    assert.ok(vscode.workspace.isTrusted, 'the test workspace is trusted');
    // The user: opens the preview from the notification, reads it, confirms in the modal.
    const info = vscode.window.showInformationMessage;
    sandbox.stub(vscode.window, 'showInformationMessage').callsFake(((message: string, ...rest: never[]) => {
      seen.push(message);
      if (message.includes('declares AWS sessions')) {
        offers.push(message);
        return Promise.resolve('Preview…');
      }
      return (info as (m: string, ...r: never[]) => Thenable<unknown>)(message, ...rest);
    }) as typeof vscode.window.showInformationMessage);
    const warning = vscode.window.showWarningMessage;
    sandbox.stub(vscode.window, 'showWarningMessage').callsFake(((message: string, ...rest: never[]) => {
      seen.push(message);
      if (message.startsWith('Apply the project sessions')) {
        // What is on screen as the modal asks: the rendered Markdown preview of a read-only document, no editor of its source.
        const active = () => vscode.window.tabGroups.activeTabGroup.activeTab;
        return (async () => {
          // The tab model reaches this extension host a moment after the preview opened (the Markdown extension's first
          // activation, on a loaded machine, takes seconds).
          // Another test's webview (a session form) may be the active tab until then: wait for the preview itself.
          const isPreview = () => { const input = active()?.input; return input instanceof vscode.TabInputWebview && /markdown\.preview/.test(input.viewType); };
          for (let i = 0; i < 300 && !isPreview(); i++) await new Promise((r) => setTimeout(r, 100));
          const input = active()?.input;
          const tabs = vscode.window.tabGroups.all.flatMap((g) => g.tabs.map((tab) => `${tab.label} (${tab.input instanceof vscode.TabInputWebview ? tab.input.viewType : tab.input?.constructor?.name})`));
          shownAs.push(input instanceof vscode.TabInputWebview ? input.viewType : `not a preview: the active tab is ${active()?.label}; tabs: ${tabs.join(', ')}`);
          sourceEditors.push(vscode.window.visibleTextEditors.filter((e) => e.document.uri.scheme === DECLARED_PREVIEW_SCHEME).length);
          const offer = (d: vscode.TextDocument) => Number(/offer=(\d+)/.exec(d.uri.query)?.[1] ?? 0);
          const latest = vscode.workspace.textDocuments.filter((d) => d.uri.scheme === DECLARED_PREVIEW_SCHEME).sort((a, b) => offer(b) - offer(a))[0];
          previews.push(latest?.getText() ?? '');
          return 'Apply';
        })();
      }
      return (warning as (m: string, ...r: never[]) => Thenable<unknown>)(message, ...rest);
    }) as typeof vscode.window.showWarningMessage);
  });

  after(async () => {
    sandbox.restore();
    rmSync(join(folder.uri.fsPath, '.vscode', 'aws-sessions.json'), { force: true });
    const state = await api.service.state.read();
    for (const s of state.sessions.filter((x) => x.declaredBy && x.kind !== 'awsSso')) await api.service.editor.delete(s.id).catch(() => undefined);
    for (const i of state.integrations ?? []) if (i.declaredBy) await api.sso.deleteIntegration(i.id).catch(() => undefined);
  });

  it('offers the file of an opened folder, previews exactly what is added, and adds the sessions once confirmed', async () => {
    mkdirSync(join(folder.uri.fsPath, '.vscode'), { recursive: true });
    await writeUntilOffered(file(1800), 1);
    const state = await stateWhere((s) => s.sessions.filter((x) => x.declaredBy).length === 3);
    assert.equal(offers.length, 1, 'offered once');
    assert.match(offers[0], /3 to add|4 to add/);
    assert.match(shownAs[0], /markdown\.preview/, `shown rendered by the Markdown preview, not: ${shownAs[0]}`);
    assert.equal(sourceEditors[0], 0, 'its Markdown source (with escapes such as declared\\-corp) is not shown');
    // The document is Markdown: names are escaped (declared\-corp); read it as the preview renders it.
    const shown = previews[0].replace(/\\([\\`*_{}[\]()#+\-.!|<>])/g, '$1');
    assert.match(shown, /SAML 2\.0\) "declared-corp"/);
    assert.match(shown, /IAM Role Chained "declared-deploy"/);
    const deploy = state.sessions.find((s) => s.alias === 'declared-deploy');
    const corp = state.sessions.find((s) => s.alias === 'declared-corp');
    assert.ok(deploy?.kind === 'iamRoleChained' && corp);
    assert.equal(deploy.assumerSessionId, corp.id);
    assert.equal(deploy.durationSeconds, 1800);
    assert.deepEqual(deploy.declaredBy, { folder: folder.uri.toString(), name: 'declared-deploy' });
    assert.ok(state.integrations?.some((i) => i.alias === 'declared-portal' && i.declaredBy?.folder === folder.uri.toString()));
  });

  it('updates the sessions it created when the file changes (after confirmation), and the command then finds nothing to do', async () => {
    await writeUntilOffered(file(3600), 2);
    const state = await stateWhere((s) => {
      const deploy = s.sessions.find((x) => x.alias === 'declared-deploy');
      return deploy?.kind === 'iamRoleChained' && deploy.durationSeconds === 3600;
    });
    assert.equal(offers.length, 2, 'the change was offered once more');
    assert.match(previews[1], /durationSeconds: 1800 → 3600/);
    assert.equal(state.sessions.filter((s) => s.declaredBy).length, 3);
    const check = await vscode.commands.executeCommand<DeclaredCheck | undefined>(Commands.applyDeclaredSessions, folder.uri);
    assert.equal(check?.decision, 'nothing');
  });

  it('a file committed as a link to /dev/zero is refused by its stat, never read', async function () {
    if (process.platform === 'win32') return this.skip();
    const path = join(folder.uri.fsPath, '.vscode', 'aws-sessions.json');
    rmSync(path, { force: true });
    symlinkSync('/dev/zero', path);
    const check = await vscode.commands.executeCommand<DeclaredCheck | undefined>(Commands.applyDeclaredSessions, folder.uri);
    assert.equal(check?.decision, 'problems');
    assert.ok(seen.some((m) => /has 1 problem\(s\): .*it is not a regular file/.test(m)), JSON.stringify(seen));
  });
});
