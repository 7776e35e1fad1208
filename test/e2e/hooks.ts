/**
 * Root hooks of the browser end-to-end run: a failed test prints what every live editor shows (its
 * notifications, dialog, quick input and tree rows, the AWS files) and the tail of the extension's log,
 * with a screenshot, so a failure on a CI machine can be explained from its output alone.
 */
import type { Context } from 'mocha';
import { liveEditors } from './harness';

export const mochaHooks = {
  async afterEach(this: Context) {
    const test = this.currentTest;
    if (!test || test.state !== 'failed') return;
    const title = test.fullTitle().slice(0, 80);
    for (const editor of liveEditors) {
      const report = await editor.report(title).catch((error: unknown) => `(no report: ${String(error)})`);
      console.log(`\n  ── what the editor showed when "${test.title}" failed ──\n${report.replace(/^/gm, '  │ ')}\n`);
    }
  },
};
