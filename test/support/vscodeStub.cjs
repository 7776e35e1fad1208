// A stand-in for the `vscode` module, enough for activate() in a plain `node` process (bench/load.bench.ts,
// test/unit/package/lazyBundles.test.ts): events fire, commands register and run, tree views keep their provider; anything else is an inert stub.
'use strict';

class Disposable {
  constructor(fn) { this.fn = fn; }
  static from(...items) { return new Disposable(() => items.forEach((d) => d?.dispose?.())); }
  dispose() { this.fn?.(); this.fn = undefined; }
}
class EventEmitter {
  listeners = new Set();
  event = (listener) => (this.listeners.add(listener), new Disposable(() => this.listeners.delete(listener)));
  fire(value) { for (const l of [...this.listeners]) l(value); }
  dispose() { this.listeners.clear(); }
}
/** Any member: callable, constructible, awaitable (not a thenable), disposable. */
function inert() {
  const f = function () {};
  return new Proxy(f, {
    get: (_t, key) => (key === 'then' ? undefined : key === Symbol.toPrimitive ? () => '' : key === 'dispose' ? () => {} : key === 'event' ? () => new Disposable() : inert()),
    apply: () => inert(),
    construct: () => inert(),
  });
}
const noEvent = () => new Disposable();
const commands = new Map();
const treeViews = new Map();
const config = { get: (_k, fallback) => fallback, has: () => false, inspect: () => undefined, update: async () => {} };
const channel = () => ({ name: 'stub', logLevel: 2, onDidChangeLogLevel: noEvent, append() {}, appendLine() {}, replace() {}, clear() {}, show() {}, hide() {}, dispose() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} });

class Uri {
  constructor(fsPath) { this.fsPath = fsPath; this.path = fsPath; this.scheme = 'file'; }
  static file(p) { return new Uri(p); }
  static parse(s) { return new Uri(s); }
  static joinPath(base, ...parts) { return new Uri(require('node:path').join(base.fsPath, ...parts)); }
  toString() { return `file://${this.fsPath}`; }
}
class TreeItem { constructor(label, collapsibleState) { this.label = label; this.collapsibleState = collapsibleState; } }
class ThemeIcon { constructor(id, color) { this.id = id; this.color = color; } static File = new ThemeIcon('file'); static Folder = new ThemeIcon('folder'); }
class ThemeColor { constructor(id) { this.id = id; } }
class MarkdownString { constructor(value = '') { this.value = value; } appendMarkdown(v) { this.value += v; return this; } appendText(v) { this.value += v; return this; } }

const api = {
  Disposable, EventEmitter, Uri, TreeItem, ThemeIcon, ThemeColor, MarkdownString,
  TreeItemCollapsibleState: { None: 0, Collapsed: 1, Expanded: 2 },
  StatusBarAlignment: { Left: 1, Right: 2 },
  ProgressLocation: { SourceControl: 1, Window: 10, Notification: 15 },
  EnvironmentVariableMutatorType: { Replace: 1, Append: 2, Prepend: 3 },
  ConfigurationTarget: { Global: 1, Workspace: 2, WorkspaceFolder: 3 },
  ViewColumn: { Active: -1, Beside: -2, One: 1 },
  LogLevel: { Off: 0, Trace: 1, Debug: 2, Info: 3, Warning: 4, Error: 5 },
  l10n: { t: (message, ...args) => (typeof message === 'string' ? message : message.message).replace(/\{(\d+)\}/g, (_m, i) => String(args[i])), bundle: undefined, uri: undefined },
  env: { language: 'en', appName: 'stub', uriScheme: 'vscode', machineId: 'stub', sessionId: 'stub', openExternal: async () => true, clipboard: { readText: async () => '', writeText: async () => {} } },
  commands: {
    registerCommand: (id, fn) => (commands.set(id, fn), new Disposable(() => commands.delete(id))),
    executeCommand: async (id, ...args) => commands.get(id)?.(...args),
    getCommands: async () => [...commands.keys()],
  },
  workspace: {
    getConfiguration: () => config,
    onDidChangeConfiguration: noEvent, onDidChangeWorkspaceFolders: noEvent, onDidGrantWorkspaceTrust: noEvent,
    workspaceFolders: undefined, isTrusted: true,
    fs: inert(),
  },
  window: {
    createOutputChannel: channel,
    createStatusBarItem: () => ({ show() {}, hide() {}, dispose() {} }),
    createTreeView: (id, options) => {
      const view = { visible: true, selection: [], onDidChangeVisibility: noEvent, onDidChangeSelection: noEvent, onDidExpandElement: noEvent, onDidCollapseElement: noEvent, reveal: async () => {}, dispose() {}, provider: options.treeDataProvider };
      treeViews.set(id, view);
      return view;
    },
    registerTreeDataProvider: (id, provider) => (treeViews.set(id, { provider }), new Disposable()),
    registerFileDecorationProvider: () => new Disposable(),
    registerUriHandler: () => new Disposable(),
    onDidChangeActiveTerminal: noEvent, onDidOpenTerminal: noEvent, onDidCloseTerminal: noEvent, onDidChangeWindowState: noEvent, onDidChangeActiveTextEditor: noEvent,
    state: { focused: true },
    terminals: [],
    showInformationMessage: async () => undefined, showWarningMessage: async () => undefined, showErrorMessage: async (...args) => (process.env.VSCODE_STUB_DEBUG && console.error('showErrorMessage', ...args), undefined),
    setStatusBarMessage: () => new Disposable(),
    withProgress: (_o, task) => task({ report() {} }, { isCancellationRequested: false, onCancellationRequested: noEvent }),
  },
  debug: { registerDebugConfigurationProvider: () => new Disposable(), onDidStartDebugSession: noEvent, onDidTerminateDebugSession: noEvent },
  tasks: { onDidStartTaskProcess: noEvent, onDidEndTaskProcess: noEvent },
  extensions: { getExtension: () => undefined, all: [] },
};

/** Members not written above: an event subscription for onDid…/onWill…, else an inert stub. */
const fallback = (target) =>
  new Proxy(target, { get: (t, key) => (key in t ? t[key] : key === '__esModule' || typeof key === 'symbol' ? undefined : (t[key] = /^on(Did|Will)/.test(key) ? noEvent : inert())) });
for (const name of ['commands', 'workspace', 'window', 'debug', 'tasks', 'extensions', 'env']) api[name] = fallback(api[name]);
const vscode = fallback(api);

/** A fresh ExtensionContext over a global storage folder. */
function extensionContext(storageDir, extensionPath) {
  const memento = new Map();
  const secrets = new Map();
  const variables = new Map();
  return {
    subscriptions: [],
    extensionPath,
    extensionUri: Uri.file(extensionPath),
    globalStorageUri: Uri.file(storageDir),
    storageUri: undefined,
    logUri: Uri.file(storageDir),
    extensionMode: 1,
    globalState: { get: (k, d) => (memento.has(k) ? memento.get(k) : d), update: async (k, v) => void memento.set(k, v), keys: () => [...memento.keys()], setKeysForSync() {} },
    workspaceState: { get: (_k, d) => d, update: async () => {}, keys: () => [] },
    secrets: { get: async (k) => secrets.get(k), store: async (k, v) => void secrets.set(k, v), delete: async (k) => void secrets.delete(k), onDidChange: noEvent },
    environmentVariableCollection: {
      persistent: false, description: undefined,
      replace: (k, v) => variables.set(k, { value: v, type: 1 }), append() {}, prepend() {}, get: (k) => variables.get(k), delete: (k) => variables.delete(k), clear: () => variables.clear(),
      forEach: (fn) => variables.forEach((m, k) => fn(k, m, undefined)), getScoped: () => undefined, [Symbol.iterator]: () => variables.entries(),
    },
  };
}

module.exports = { vscode, commands, treeViews, extensionContext };
