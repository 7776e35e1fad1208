/**
 * Runs inside the extension host (extensionTestsPath) for bench/ssoSyncExtHost.bench.mjs: logs in to
 * the double's IAM Identity Center, runs the real "Sync" command (progress, batched state writes,
 * tree rebuilds) and samples this process's RSS and event-loop lag meanwhile. Writes one JSON file.
 */
import { writeFileSync } from 'node:fs';
import * as vscode from 'vscode';
import { Commands, EXTENSION_ID, SETTINGS_SECTION, Settings } from '../../src/core/constants';
import type { AwsSessionsApi } from '../../src/extension';

export async function run(): Promise<void> {
  const out = process.env.SSO_BENCH_RESULTS!;
  const endpoint = process.env.SSO_BENCH_ENDPOINT!;
  try {
    const config = vscode.workspace.getConfiguration(SETTINGS_SECTION);
    for (const key of [Settings.ssoEndpointUrl, Settings.ssoOidcEndpointUrl]) await config.update(key, endpoint, vscode.ConfigurationTarget.Global);
    const api = await vscode.extensions.getExtension<AwsSessionsApi>(EXTENSION_ID)!.activate();
    const integration = await api.sso.addIntegration({ alias: 'bench', startUrl: 'https://d-bench.awsapps.com/start', ssoRegion: 'us-east-1' });
    await api.ssoAccess.login(
      integration.id,
      {
        signal: new AbortController().signal,
        report: () => undefined,
        openUrl: async () => true,
        showDeviceCode: (auth) => void fetch(`${endpoint}/_double/sso/approve`, { method: 'POST', body: JSON.stringify({ userCode: auth.userCode }) }),
      },
      'device',
    );
    await fetch(`${endpoint}/_double/sso/reset`, { method: 'POST' });
    let treeRefreshes = 0;
    const started = performance.now();
    const refreshAt: number[] = [];
    const sub = api.tree.onDidChangeTreeData(() => {
      treeRefreshes += 1;
      refreshAt.push(Math.round(performance.now() - started));
    });
    const spikes: Array<{ atMs: number; lagMs: number }> = [];
    global.gc?.();
    const rssBefore = process.memoryUsage().rss;
    let peakRss = rssBefore;
    const lags: number[] = [];
    let expected = performance.now() + 20;
    const sampler = setInterval(() => {
      const now = performance.now();
      lags.push(Math.max(0, now - expected));
      if (now - expected > 150) spikes.push({ atMs: Math.round(now - started), lagMs: Math.round(now - expected) });
      expected = now + 20;
      peakRss = Math.max(peakRss, process.memoryUsage().rss);
    }, 20);
    await vscode.commands.executeCommand(Commands.syncIntegration, integration.id);
    const wallMs = performance.now() - started;
    clearInterval(sampler);
    sub.dispose();
    const state = await api.service.state.read();
    const sessions = state.sessions.filter((s) => s.kind === 'awsSso');
    const stats = (await (await fetch(`${endpoint}/_double/sso/stats`)).json()) as { throttled: number; portalCalls: number };
    lags.sort((a, b) => a - b);
    writeFileSync(
      out,
      JSON.stringify({
        wallMs,
        sessions: sessions.length,
        accounts: new Set(sessions.map((s) => (s as { accountId: string }).accountId)).size,
        throttled: stats.throttled,
        portalCalls: stats.portalCalls,
        rssBeforeMiB: rssBefore / 2 ** 20,
        peakRssMiB: peakRss / 2 ** 20,
        lagP50Ms: lags[Math.floor(lags.length * 0.5)] ?? 0,
        lagP99Ms: lags[Math.floor(lags.length * 0.99)] ?? 0,
        lagMaxMs: lags.at(-1) ?? 0,
        treeRefreshes,
        spikes,
        refreshAt,
      }),
    );
    await api.sso.deleteIntegration(integration.id);
  } catch (error) {
    writeFileSync(out, JSON.stringify({ error: error instanceof Error ? (error.stack ?? error.message) : String(error) }));
  }
}
