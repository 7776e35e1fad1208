/**
 * Starting 50 selected IAM Identity Center roles at once (the tree's multi-selection, `aws-sessions start a b …`):
 * core/sessionBatch.ts on the extension's core — SessionService on a FileStateStore, delivery to a real
 * ~/.aws/credentials and config in a temp HOME (file lock, atomic writes), SsoAccess → the adaptive SsoPortal —
 * against the local double (a separate process) with 25 ms latency per call and a portal throttle of 20 requests/s
 * (burst 1), after a login and a sync of 50 accounts × 3 roles (one role per account selected, each on its own
 * profile from the name template). No role credentials are cached before a run.
 * Bound: 50 GetRoleCredentials at 20/s plus one call's latency = 50/20 s + 25 ms. Goal: wall ≤ 1.2 × bound, 0 failures.
 * Runs: "warm" — the portal's limiter as the sync left it (the same window); "cold" — a new portal (a window
 * that has not spoken to the portal yet), reported too. Prints a table and one JSON line.
 *
 *   node --import tsx bench/startMany.bench.ts [--sessions 50] [--latency-ms 25] [--rps 20] [--burst 1] [--runs 3] [--dir /dev/shm]
 * --dir: where the temp HOME (state, ~/.aws) goes; /dev/shm (no fsync cost) separates the batch's own cost from the disk's.
 */
import { rmSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { doubleControl, startSsoDouble } from './ssoDouble';
import { AwsFiles } from '../src/core/awsFiles/awsFiles';
import { clearCachedCredentials } from '../src/core/credentialCache';
import { CredentialsFileDelivery } from '../src/core/fileDelivery';
import { fileLock } from '../src/core/fileLock';
import type { AwsSsoSession } from '../src/core/model';
import { silentLogger, systemClock } from '../src/core/ports';
import { runBatch, type BatchResult } from '../src/core/sessionBatch';
import { SessionService } from '../src/core/sessionService';
import { FileStateStore } from '../src/core/stateStore';
import { SdkOidcGateway } from '../src/core/sso/oidc';
import { SsoPortal } from '../src/core/sso/portal';
import { SsoAccess } from '../src/core/sso/ssoAccess';
import { SsoService } from '../src/core/sso/ssoService';
import { FakeSts, MemorySecretVault, ScriptedPrompter } from '../test/unit/support/fakes';
import { benchHome } from './awsHome';

const { values } = parseArgs({
  options: { sessions: { type: 'string', default: '50' }, 'latency-ms': { type: 'string', default: '25' }, rps: { type: 'string', default: '20' }, burst: { type: 'string', default: '1' }, runs: { type: 'string', default: '3' }, dir: { type: 'string' } },
});
const SESSIONS = Number(values.sessions);
const LATENCY_MS = Number(values['latency-ms']);
const RPS = Number(values.rps);
const RUNS = Number(values.runs);
const ROLES = 3;

function startDouble(): Promise<{ endpoint: string; stop: () => void }> {
  return startSsoDouble(['--accounts', String(SESSIONS), '--roles', String(ROLES), '--latency-ms', String(LATENCY_MS), '--throttle-rps', String(RPS), '--throttle-burst', values.burst!]);
}

const control = doubleControl;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main(): Promise<void> {
  const double = await startDouble();
  const { home, env } = benchHome('start-many-bench-', {}, values.dir);
  const state = new FileStateStore({ filePath: join(home, 'sessions.json'), lockPath: join(home, 'state.lock') });
  const secrets = new MemorySecretVault();
  const files = new AwsFiles({ env, homeDir: home, lock: fileLock(join(home, 'aws-files.lock')) });
  const delivery = new CredentialsFileDelivery(files);
  /** One window's wiring: its portal (and limiter), its access, its sessions. */
  const window = (portal: SsoPortal) => {
    const access = new SsoAccess({ state, secrets, oidc: new SdkOidcGateway({ endpoint: () => double.endpoint }), portal, clock: systemClock, logger: silentLogger, loginFlow: () => 'device' });
    const service = new SessionService({ state, secrets, sts: new FakeSts(systemClock), prompter: new ScriptedPrompter([]), clock: systemClock, logger: silentLogger, delivery, sso: access });
    return { access, service };
  };
  const portals: SsoPortal[] = [];
  const newPortal = () => {
    const p = new SsoPortal({ endpoint: () => double.endpoint });
    portals.push(p);
    return p;
  };
  try {
    const first = window(newPortal());
    const sso = new SsoService({ state, secrets, portal: portals[0], clock: systemClock, logger: silentLogger, access: first.access, stopSession: (id) => first.service.lifecycle.stop(id), naming: async () => ({ template: '{accountName}-{roleName}', defaultRegion: 'eu-west-1', namesInFiles: await files.listProfiles() }) });
    const integration = await sso.addIntegration({ alias: 'bench', startUrl: 'https://d-bench.awsapps.com/start', ssoRegion: 'us-east-1' });
    await first.access.login(integration.id, { signal: new AbortController().signal, report: () => undefined, openUrl: async () => true, showDeviceCode: (auth) => void control(double.endpoint, 'sso/approve', { userCode: auth.userCode }) });
    await sso.sync(integration.id);
    const roles = (await state.read()).sessions.filter((s): s is AwsSsoSession => s.kind === 'awsSso');
    // One role per account, as a user picks them: each on its own profile.
    const selected = [...new Map(roles.map((r) => [r.accountId, r])).values()].slice(0, SESSIONS);
    const profiles = new Set((await state.read()).profiles.filter((p) => selected.some((s) => s.profileId === p.id)).map((p) => p.name));

    const once = async (w: ReturnType<typeof window>, portal: SsoPortal) => {
      await runBatch({ ...parts(w.service), logger: silentLogger }, selected.map((s) => s.id), { kind: 'stop' });
      for (const s of selected) await clearCachedCredentials(secrets, s.id);
      await control(double.endpoint, 'sso/reset', {}); // a refilled bucket, counters at zero
      const writes0 = state.io.writes;
      const t0 = performance.now();
      const result: BatchResult = await runBatch({ ...parts(w.service), logger: silentLogger, integrationLogin: (id, reason) => w.access.accessToken(id, { interactive: false, reason }) }, selected.map((s) => s.id), { kind: 'start' });
      const ms = performance.now() - t0;
      const stateWrites = state.io.writes - writes0;
      const stats = (await control(double.endpoint, 'sso/stats')) as { portalCalls: number; throttled: number };
      const failed = result.outcomes.filter((o) => o.status !== 'done');
      return { ms, failed: failed.length, firstFailure: failed[0] ? `${failed[0].alias}: ${failed[0].cause}` : undefined, throttled: stats.throttled, calls: stats.portalCalls, rate: portal.stats('us-east-1').rate, stateWrites };
    };

    const warm: Awaited<ReturnType<typeof once>>[] = [];
    for (let i = 0; i < RUNS; i++) warm.push(await once(first, portals[0]));
    const cold: Awaited<ReturnType<typeof once>>[] = [];
    for (let i = 0; i < RUNS; i++) {
      const portal = newPortal();
      cold.push(await once(window(portal), portal));
    }
    const active = Object.values((await state.read()).active).filter((a) => a.status === 'active').length;
    const boundMs = (SESSIONS / RPS) * 1000 + LATENCY_MS;
    const warmMs = median(warm.map((r) => r.ms));
    const coldMs = median(cold.map((r) => r.ms));
    const failures = [...warm, ...cold].reduce((n, r) => n + r.failed, 0);
    const rows: Array<[string, string]> = [
      ['selected roles (distinct profiles) / active after the last run', `${selected.length} (${profiles.size}) / ${active}`],
      [`bound: ${SESSIONS} ÷ ${RPS}/s + ${LATENCY_MS} ms`, `${(boundMs / 1000).toFixed(3)} s`],
      ['wall, limiter as the sync left it (median of runs)', `${(warmMs / 1000).toFixed(3)} s (${warm.map((r) => (r.ms / 1000).toFixed(2)).join(', ')})`],
      ['ratio to the bound (goal ≤ 1.2)', `${(warmMs / boundMs).toFixed(3)} ×`],
      ['wall, new portal limiter (median of runs)', `${(coldMs / 1000).toFixed(3)} s (${cold.map((r) => (r.ms / 1000).toFixed(2)).join(', ')})`],
      ['ratio to the bound, new limiter', `${(coldMs / boundMs).toFixed(3)} ×`],
      ['failures (goal 0)', `${failures}${[...warm, ...cold].find((r) => r.firstFailure)?.firstFailure ? ` — ${[...warm, ...cold].find((r) => r.firstFailure)!.firstFailure}` : ''}`],
      ['writes of sessions.json per run (warm, cold; 2 per group of deliveries written together)', [...warm, ...cold].map((r) => r.stateWrites).join(', ')],
      ['portal calls / 429 (warm runs)', warm.map((r) => `${r.calls} / ${r.throttled}`).join(', ')],
      ['portal calls / 429 (cold runs)', cold.map((r) => `${r.calls} / ${r.throttled}`).join(', ')],
    ];
    console.log(`Start ${SESSIONS} selected IAM Identity Center roles at once: ${LATENCY_MS} ms latency, throttle ${RPS} rps burst ${values.burst}, node ${process.version}, load average ${loadavg()[0].toFixed(1)}`);
    console.log('| figure | value |');
    console.log('|---|---:|');
    for (const [k, v] of rows) console.log(`| ${k} | ${v} |`);
    const meetsGoal = warmMs <= 1.2 * boundMs && failures === 0;
    console.log(`goal: wall ≤ 1.2 × bound with 0 failures → ${meetsGoal ? 'met' : 'NOT met'}`);
    console.log(
      JSON.stringify({
        bench: 'startMany',
        size: `${SESSIONS} roles, ${LATENCY_MS} ms latency, ${RPS} rps`,
        headline: [
          { what: `start of ${SESSIONS} selected roles at once, limiter as a sync left it (${failures} failures)`, median: Math.round(warmMs), floor: Math.round(boundMs), floorWhat: 'lower bound: calls ÷ the throttle + latency', ratio: Number((warmMs / boundMs).toFixed(3)), goal: '≤ 1.2× bound, 0 failures', met: meetsGoal },
          { what: 'the same with a new limiter', median: Math.round(coldMs), floor: Math.round(boundMs), floorWhat: 'lower bound: calls ÷ the throttle + latency', ratio: Number((coldMs / boundMs).toFixed(3)) },
        ],
        sessions: SESSIONS,
        latencyMs: LATENCY_MS,
        throttleRps: RPS,
        boundMs: Math.round(boundMs),
        wallMs: Math.round(warmMs),
        ratio: Number((warmMs / boundMs).toFixed(3)),
        coldWallMs: Math.round(coldMs),
        coldRatio: Number((coldMs / boundMs).toFixed(3)),
        failures,
        throttled: warm.map((r) => r.throttled),
        stateWrites: warm.map((r) => r.stateWrites),
        loadAverage: Number(loadavg()[0].toFixed(1)),
        meetsGoal,
      }),
    );
  } finally {
    for (const p of portals) p.dispose();
    state.dispose();
    double.stop();
    rmSync(home, { recursive: true, force: true });
  }
}

function parts(service: SessionService) {
  return { state: service.state, lifecycle: service.lifecycle, editor: service.editor, resolver: service.resolver };
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
