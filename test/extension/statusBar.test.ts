/** The status bar item's states in a real VS Code, with a controlled clock. */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { StatusBar } from '../../src/statusBar';
import type { PersistedState } from '../../src/core/model';

const NOW = Date.parse('2026-11-22T10:00:00Z');

function state(active?: PersistedState['active'][string]): PersistedState {
  return {
    version: 1,
    profiles: [
      { id: 'p0', name: 'default' },
      { id: 'p1', name: 'dev' },
    ],
    sessions: [{ id: 's1', kind: 'iamUser', alias: 'dev-admin', profileId: 'p1', region: 'eu-west-1' }],
    active: active ? { s1: active } : {},
    terminalProfile: 'dev',
  };
}

describe('status bar', () => {
  let bar: StatusBar;
  let now = NOW;
  beforeEach(() => {
    now = NOW;
    bar = new StatusBar(() => now);
  });
  afterEach(() => bar.dispose());

  it('is hidden when nothing is configured', () => {
    bar.update({ version: 1, profiles: [{ id: 'p0', name: 'default' }], sessions: [], active: {} });
    assert.equal(bar.shown, undefined);
  });

  it('says when no session backs the terminal profile', () => {
    bar.update(state());
    assert.equal(bar.shown?.text, '$(cloud) AWS: no session');
    assert.equal(bar.shown?.background, undefined);
  });

  it('shows profile, alias and time left, warns in the last minutes, errors once expired or failed', () => {
    bar.update(state({ sessionId: 's1', status: 'active', expiration: new Date(NOW + 47 * 60_000 + 5000).toISOString() }));
    assert.equal(bar.shown?.text, '$(cloud) dev · dev-admin · 47m');
    assert.equal(bar.shown?.background, undefined);
    now = NOW + 40 * 60_000;
    bar.update(state({ sessionId: 's1', status: 'active', expiration: new Date(NOW + 47 * 60_000 + 5000).toISOString() }));
    assert.equal(bar.shown?.text, '$(cloud) dev · dev-admin · 7m');
    assert.equal(bar.shown?.background, 'statusBarItem.warningBackground');
    now = NOW + 48 * 60_000;
    bar.update(state({ sessionId: 's1', status: 'active', expiration: new Date(NOW + 47 * 60_000 + 5000).toISOString() }));
    assert.match(bar.shown!.text, /^\$\(warning\) dev · dev-admin · expired$/);
    assert.equal(bar.shown?.background, 'statusBarItem.errorBackground');
    bar.update(state({ sessionId: 's1', status: 'error', error: 'STS said no' }));
    assert.equal(bar.shown?.background, 'statusBarItem.errorBackground');
    assert.match(bar.shown!.tooltip, /STS said no/);
  });

  it("turns red when the project file's expected accounts do not hold the terminal profile's account", () => {
    const folder = vscode.workspace.workspaceFolders?.[0];
    assert.ok(folder, 'the extension tests run with a workspace folder');
    let declared: Record<string, string[]> = { dev: ['999999999999'] };
    const checked = new StatusBar(() => now, (f) => (f.uri.toString() === folder.uri.toString() ? declared : {}));
    try {
      const withAccount: PersistedState = { ...state({ sessionId: 's1', status: 'active', expiration: new Date(NOW + 47 * 60_000).toISOString() }) };
      withAccount.sessions = [{ ...withAccount.sessions[0], mfaSerial: 'arn:aws:iam::123456789012:mfa/dev-admin' } as PersistedState['sessions'][number]];
      checked.update(withAccount);
      assert.match(checked.shown!.text, /wrong account/);
      assert.equal(checked.shown?.background, 'statusBarItem.errorBackground');
      assert.match(checked.shown!.tooltip, /999999999999/);
      assert.match(checked.shown!.tooltip, /123456789012/);
      declared = { dev: ['123456789012'] };
      checked.update(withAccount);
      assert.doesNotMatch(checked.shown!.text, /account/);
      assert.equal(checked.shown?.background, undefined);
    } finally {
      checked.dispose();
    }
  });
});
