// One measured process of bench/load.bench.mjs: node harness.cjs <load|render> <extension main> [storage dir]
// Holds the built-ins the extension host has loaded before any extension (a probe extension's
// process.moduleLoadList in code-server 4.100.3), answers `vscode` with a stub, then requires the extension;
// `render` also activates it and times the first getChildren of its tree that shows the saved sessions.
'use strict';
const HOST_BUILTINS = ['events', 'buffer', 'path', 'querystring', 'async_hooks', 'timers', 'util', 'fs', 'url', 'string_decoder', 'stream/promises', 'stream', 'diagnostics_channel', 'net', 'dgram', 'child_process', 'v8', 'module', 'perf_hooks', 'http', 'os', 'crypto', 'zlib', 'assert', 'fs/promises', 'tls', 'http2', 'console', 'dns', 'util/types', 'worker_threads', 'https', 'tty', 'cluster'];
for (const name of HOST_BUILTINS) require(name);
const Module = require('node:module');
const stub = require('../../test/support/vscodeStub.cjs');
const load = Module._load;
Module._load = function (request, ...rest) {
  return request === 'vscode' ? stub.vscode : load.call(this, request, ...rest);
};
const [mode, main, storageDir] = process.argv.slice(2);
const t0 = performance.now();
const extension = require(main);
const loadMs = performance.now() - t0;

/** The rows a view shows first: the roots, and the children of expanded nodes, up to `limit` items. */
async function visibleRows(provider, limit = 60) {
  const rows = [];
  const walk = async (parent) => {
    for (const node of await provider.getChildren(parent)) {
      if (rows.length >= limit) return;
      const item = await provider.getTreeItem(node);
      rows.push(item);
      if (item.collapsibleState === 2) await walk(node);
    }
  };
  await walk(undefined);
  return rows;
}

async function render() {
  const context = stub.extensionContext(storageDir, require('node:path').resolve(main, '..', '..'));
  const start = performance.now();
  await extension.activate(context);
  const activateMs = performance.now() - start;
  const view = [...stub.treeViews.values()].find((v) => v.provider?.getChildren);
  if (!view) throw new Error('the extension registered no tree view');
  // As VS Code does: getChildren at once (the view is visible), then again on each change event, until the sessions show.
  const rendered = new Promise((resolve, reject) => {
    const attempt = () => visibleRows(view.provider).then((rows) => rows.some((r) => r.collapsibleState === 0) && resolve(rows.length), reject);
    view.provider.onDidChangeTreeData?.(attempt);
    attempt();
  });
  const rows = await rendered;
  const renderMs = performance.now() - start;
  for (const d of context.subscriptions) d.dispose?.();
  await extension.deactivate?.();
  return { activateMs, renderMs, rows };
}

(async () => {
  const result = mode === 'render' ? await render() : {};
  process.stdout.write(`${JSON.stringify({ loadMs, ...result })}\n`);
  process.exit(0);
})().catch((error) => {
  console.error(error);
  process.exit(1);
});
