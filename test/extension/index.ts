/**
 * Entry of the extension-host test suite: the module VS Code loads for `extensionTestsPath`
 * (under @vscode/test-electron on a desktop, under code-server here). It runs mocha over the
 * bundled `*.test.js` files beside it (see esbuild.config.mjs --tests) and, when the launcher sets
 * AWS_SESSIONS_TEST_RESULTS, writes a JSON report there. It rejects when any test failed, which
 * makes the extension host exit with a failure code under @vscode/test-electron.
 *
 * Options by env: AWS_SESSIONS_TEST_RESULTS (report path), AWS_SESSIONS_TEST_GREP (mocha grep),
 * AWS_SESSIONS_TEST_TIMEOUT (ms per test, default 20000).
 */
import { readdirSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The report the launcher reads: what ran, what failed and why. */
export interface TestReport {
  passes: { title: string; durationMs: number }[];
  failures: { title: string; error: string; stack?: string }[];
  pending: { title: string }[];
  startedAt: string;
  durationMs: number;
  /** Set when the suite could not run at all (load error, crash). */
  fatal?: string;
}

type MochaCtor = typeof import('mocha');

function loadMocha(): MochaCtor {
  // mocha 12 is an ES module; Node 20.19+ and Electron's Node load it through require().
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const mod = require('mocha') as MochaCtor & { default?: MochaCtor };
  return mod.default ?? mod;
}

function writeReport(report: TestReport): void {
  const path = process.env.AWS_SESSIONS_TEST_RESULTS;
  if (!path) return;
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(`${path}.tmp`, JSON.stringify(report, null, 2));
  // Rename so the launcher never reads a half-written file.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  require('node:fs').renameSync(`${path}.tmp`, path);
}

export async function run(): Promise<void> {
  const started = Date.now();
  const report: TestReport = { passes: [], failures: [], pending: [], startedAt: new Date(started).toISOString(), durationMs: 0 };
  try {
    const Mocha = loadMocha();
    const mocha = new Mocha({
      ui: 'bdd',
      color: true,
      timeout: Number(process.env.AWS_SESSIONS_TEST_TIMEOUT ?? 20_000),
      grep: process.env.AWS_SESSIONS_TEST_GREP || undefined,
    });
    const files = readdirSync(__dirname).filter((name) => name.endsWith('.test.js')).sort();
    for (const file of files) mocha.addFile(join(__dirname, file));
    await new Promise<void>((resolve) => {
      const runner = mocha.run(() => resolve());
      runner.on('pass', (test) => report.passes.push({ title: test.fullTitle(), durationMs: test.duration ?? 0 }));
      runner.on('fail', (test, error: Error) =>
        report.failures.push({ title: test.fullTitle(), error: String(error?.message ?? error), stack: error?.stack }),
      );
      runner.on('pending', (test) => report.pending.push({ title: test.fullTitle() }));
    });
  } catch (error) {
    report.fatal = error instanceof Error ? (error.stack ?? error.message) : String(error);
  }
  report.durationMs = Date.now() - started;
  writeReport(report);
  if (report.fatal) throw new Error(`extension tests could not run: ${report.fatal}`);
  if (report.failures.length) throw new Error(`${report.failures.length} extension test(s) failed`);
}
