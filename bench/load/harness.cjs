// One measured process of bench/load.bench.ts: node harness.cjs <load|render|parse> <extension main> [storage dir]
// Holds the built-ins the extension host has loaded before any extension (a probe extension's
// process.moduleLoadList in code-server 4.100.3), answers `vscode` with a stub, then requires the extension (the
// manifest's main): when that is AWS Sessions' loader, the load includes what its activate() does first, loading the
// bundle with the code cache in the storage folder (`load(storageDir)`, src/main.ts);
// `render` also activates it and times the first getChildren of its tree that shows the saved sessions; `parse`
// (the floor of `render`) only reads and JSON.parses the saved sessions, after the same require.
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
if (typeof extension.load === 'function') extension.load(storageDir);
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
  const cpu = process.cpuUsage();
  const start = performance.now();
  const api = await extension.activate(context);
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
  const renderCpuMs = cpuMs(cpu);
  // The loader writes the code cache once the first render has landed: let it, before the process ends.
  await api.ready;
  for (const d of context.subscriptions) d.dispose?.();
  await extension.deactivate?.();
  return { activateMs, renderMs, renderCpuMs, rows };
}

/** The floor of a first render: what any extension showing the saved sessions pays, reading and parsing the file. */
async function parse() {
  const cpu = process.cpuUsage();
  const start = performance.now();
  const state = JSON.parse(await require('node:fs').promises.readFile(require('node:path').join(storageDir, 'sessions.json'), 'utf8'));
  return { parseMs: performance.now() - start, parseCpuMs: cpuMs(cpu), rows: state.sessions.length };
}

/** CPU time (user + system, all threads) of this process since `from`, in ms: what a loaded machine's waiting does not inflate. */
function cpuMs(from = undefined) {
  const used = process.cpuUsage(from);
  return (used.user + used.system) / 1000;
}

(async () => {
  const result = mode === 'render' ? await render() : mode === 'parse' ? await parse() : {};
  // CPU time of the whole process (all threads, from its start): what a loaded machine's waiting does not inflate.
  process.stdout.write(`${JSON.stringify({ loadMs, processCpuMs: cpuMs(), codeCache: extension.codeCacheUse?.(), ...result })}\n`);
  process.exit(0);
})().catch((error) => {
  console.error(error);
  process.exit(1);
});
