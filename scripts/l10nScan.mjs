// The localisation check's rules (scripts/check-l10n.mjs runs them over src and the bundles; the unit test
// runs them over fixtures). A text is *shown to users* when it reaches one of these, and must then be the
// first argument of `vscode.l10n.t(...)` / `l10n.t(...)` / core's `t(...)` (a literal, so the bundles can be checked):
//   - an argument of a call that shows text: showInformationMessage / showWarningMessage / showErrorMessage,
//     setStatusBarMessage, the CLI's out / writeOut / confirm / Exit / UsageError, console.log / console.error,
//     process.stdout/stderr.write, the pages' el(..., text) / setStatus;
//   - `new …Error(...)`: every error class (errors reach the user through report(), the CLI and the forms);
//   - a property or an assignment named title, placeHolder, placeholder, prompt, label, description, detail,
//     tooltip, message, fix, help, text, textContent, validationMessage, submitLabel, altText, contents;
//   - anywhere else, a literal that reads as words (two words of letters, or a capitalised word ending a sentence).
// Not shown (never flagged): arguments of logger calls (.debug/.info/.warn/.error/.trace on a *log*/*logger*,
// appendLine, onLog and note callbacks: the output channel stays English for bug reports), import paths, property names, comparisons,
// `case` labels, element access, regular expressions, texts without letters, codicons `$(name)`, identifiers,
// AWS names (AWS_PROFILE, credential_process), and any line marked `l10n-ignore` (or the line before it).
import ts from 'typescript';

export const TEXT_PROPS = new Set([
  'title', 'placeHolder', 'placeholder', 'prompt', 'label', 'description', 'detail', 'tooltip', 'message', 'fix', 'help',
  'text', 'textContent', 'innerText', 'validationMessage', 'submitLabel', 'altText', 'contents', 'busyLabel', 'cause',
]);
/** Callee name → indexes of its arguments that are text (undefined: all). */
export const TEXT_CALLS = new Map([
  ['showInformationMessage', undefined], ['showWarningMessage', undefined], ['showErrorMessage', undefined],
  ['setStatusBarMessage', [0]], ['out', [0]], ['writeOut', [1]], ['confirm', [0]], ['setStatus', [0]], ['el', [2]],
  ['log', undefined], ['write', [0]],
]);
const TRANSLATE = new Set(['t', 'l10nText']);
/** Translates a text already marked (l10nText): its argument is a variable, not flagged. */
const TRANSLATED = 'translated';
const LOG_METHODS = new Set(['debug', 'info', 'warn', 'error', 'trace', 'appendLine', 'append']);
const NOT_TEXT_CALLS = new Set(['require', 'import', 'createHash', 'getConfiguration', 'get', 'has', 'executeCommand', 'registerCommand', 'setContext', 'fire', 'startsWith', 'endsWith', 'includes', 'split', 'replace', 'test', 'match', 'padEnd', 'padStart', 'join', 'on', 'once', 'addEventListener', 'querySelector', 'getElementById', 'setAttribute', 'getAttribute', 'createElement', 'createOutputChannel', 'createStatusBarItem', 'createTreeView', 'createWebviewPanel', 'registerWebviewViewProvider', 'ThemeIcon', 'ThemeColor', 'Uri', 'joinPath', 'file', 'parse', 'stringify', 'postMessage', 'send', 'call', 'request', 'digest', 'update', 'env', 'assert', 'isInstance', 'spawn', 'execFile', 'exec', 'fork']);

const isLetters = (s) => /\p{L}/u.test(s);
/** Texts that are not words: no letters, a codicon, an identifier, a path, a flag, a key, an AWS name, an ARN. */
function notWords(s) {
  const x = s.trim();
  if (!isLetters(x)) return true;
  if (/^(\$\([\w-]+\)\s*)+$/.test(x)) return true;
  if (/^[\w$.:/@*+<>=-]+$/.test(x) && !/^[A-Z][a-z]+[.!?]?$/.test(x) && !/^[A-Z][a-z]+$/.test(x)) return true;
  return false;
}
/** Reads as words anywhere (outside a text sink): two words of letters, or a capitalised sentence. */
function readsAsWords(raw) {
  // HTML: only the text between tags reads; CSS rules do not.
  const s = /<\/?[a-z!][^>]*>/i.test(raw) ? raw.replace(/<[^>]*>/g, ' ') : /\{[^}]*[:;][^}]*\}/.test(raw) ? raw.replace(/\{[^}]*\}/g, ' ') : raw;
  if (notWords(s)) return false;
  if (/^[a-z-]+(\s*[:;]\s*[^;]*;?)+$/i.test(s.trim()) && /;/.test(s)) return false; // CSS / CSP
  return /\p{L}{2,}[,;:]?\s+\p{L}{2,}/u.test(s) || /^\p{Lu}\p{Ll}+:\s/u.test(s) || /^[A-Z]\p{L}+.*[.!?…]$/u.test(s.trim());
}

function calleeName(expr) {
  if (ts.isIdentifier(expr)) return expr.text;
  if (ts.isPropertyAccessExpression(expr)) return expr.name.text;
  return undefined;
}
function isTranslateCall(node) {
  if (!ts.isCallExpression(node)) return false;
  const e = node.expression;
  if (ts.isIdentifier(e)) return TRANSLATE.has(e.text);
  return ts.isPropertyAccessExpression(e) && e.name.text === 't' && (/l10n$/.test(e.expression.getText()) || e.expression.getText() === 'vscode.l10n');
}
/** Callbacks that write to the log (the IPC server's and lease's onLog, the socket folder's note). */
const LOG_CALLBACKS = new Set(['onLog', 'note']);
function isLogCall(node) {
  if (ts.isCallExpression(node) && LOG_CALLBACKS.has(calleeName(node.expression) ?? '')) return true;
  if (!ts.isCallExpression(node) || !ts.isPropertyAccessExpression(node.expression)) return false;
  const method = node.expression.name.text;
  const receiver = node.expression.expression.getText();
  return LOG_METHODS.has(method) && /(log|logger|channel|output)$/i.test(receiver) && receiver !== 'console';
}
function textArgIndexes(node) {
  const name = calleeName(node.expression);
  if (!name) return null;
  if (name === 'log' || name === 'error') {
    const receiver = ts.isPropertyAccessExpression(node.expression) ? node.expression.expression.getText() : '';
    return receiver === 'console' ? undefined : null;
  }
  if (name === 'write') {
    const receiver = ts.isPropertyAccessExpression(node.expression) ? node.expression.expression.getText() : '';
    return /process\.std(out|err)$/.test(receiver) ? [0] : null;
  }
  return TEXT_CALLS.has(name) ? TEXT_CALLS.get(name) : null;
}
function isErrorNew(node) {
  return ts.isNewExpression(node) && /(Error|^Exit)$/.test(calleeName(node.expression) ?? '');
}

/**
 * Scans one source file. Returns { findings: [{ line, text, why }], keys: [{ key, line }], ignored }:
 * findings are texts shown to users that are not translated; keys are the first arguments of t() calls.
 */
export function scanSource(fileName, sourceText) {
  if (/^\s*(\/\/|\/\*\*?|\*).*l10n-ignore-file/m.test(sourceText.split('\n').slice(0, 5).join('\n'))) return { findings: [], keys: [], ignored: 1 };
  const sf = ts.createSourceFile(fileName, sourceText, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
  const lines = sourceText.split('\n');
  const findings = [];
  const keys = [];
  let ignored = 0;
  const reported = new Set();
  const lineOf = (node) => sf.getLineAndCharacterOfPosition(node.getStart(sf)).line;
  const ignoredAt = (line) => /l10n-ignore/.test(lines[line] ?? '') || /l10n-ignore/.test(lines[line - 1] ?? '');

  const textOf = (node) => {
    if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return node.text;
    if (ts.isTemplateExpression(node)) return [node.head.text, ...node.templateSpans.map((s) => s.literal.text)].join(' ');
    return undefined;
  };
  const flag = (node, why) => {
    if (reported.has(node.pos)) return;
    reported.add(node.pos);
    const line = lineOf(node);
    if (ignoredAt(line)) return void ignored++;
    findings.push({ line: line + 1, text: node.getText(sf).slice(0, 100), why, start: node.getStart(sf), end: node.getEnd() });
  };

  /** Flags the literal parts of an expression whose value is shown. */
  const sink = (node, why) => {
    if (!node) return;
    if (isTranslateCall(node)) return visit(node);
    const text = textOf(node);
    if (text !== undefined) {
      if (!notWords(text)) flag(node, why);
      if (ts.isTemplateExpression(node)) for (const s of node.templateSpans) sink(s.expression, why);
      return;
    }
    if (ts.isParenthesizedExpression(node) || ts.isAsExpression(node) || ts.isNonNullExpression(node) || ts.isSatisfiesExpression?.(node)) return sink(node.expression, why);
    if (ts.isConditionalExpression(node)) {
      visit(node.condition);
      return sink(node.whenTrue, why), sink(node.whenFalse, why);
    }
    if (ts.isBinaryExpression(node)) {
      const op = node.operatorToken.kind;
      if ([ts.SyntaxKind.PlusToken, ts.SyntaxKind.QuestionQuestionToken, ts.SyntaxKind.BarBarToken].includes(op)) return sink(node.left, why), sink(node.right, why);
      if (op === ts.SyntaxKind.AmpersandAmpersandToken) return visit(node.left), sink(node.right, why);
      return visit(node);
    }
    if (ts.isArrayLiteralExpression(node)) return node.elements.forEach((e) => sink(e, why));
    if (ts.isObjectLiteralExpression(node)) return visit(node);
    if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression) && ['join', 'map', 'concat', 'trim'].includes(node.expression.name.text)) {
      sink(node.expression.expression, why);
      return node.arguments.forEach((a) => (ts.isArrowFunction(a) || ts.isFunctionExpression(a) ? sinkFunction(a, why) : visit(a)));
    }
    return visit(node);
  };
  const sinkFunction = (fn, why) => {
    if (ts.isBlock(fn.body)) visit(fn.body);
    else sink(fn.body, why);
  };

  const visit = (node) => {
    if (!node) return;
    if (ts.isImportDeclaration(node) || ts.isExportDeclaration(node) || ts.isImportTypeNode?.(node) || ts.isLiteralTypeNode(node)) return;
    if (isTranslateCall(node)) {
      const [first, ...rest] = node.arguments;
      let inFunction = false;
      for (let p = node.parent; p && !inFunction; p = p.parent) inFunction = ts.isFunctionLike(p) || ts.isClassStaticBlockDeclaration?.(p) || ts.isPropertyDeclaration(p);
      if (!inFunction && calleeName(node.expression) === 't') flag(node, 't() at module level runs before the language is set: call it inside a function');
      if (first && (ts.isStringLiteral(first) || ts.isNoSubstitutionTemplateLiteral(first))) keys.push({ key: first.text, line: lineOf(first) + 1 });
      else if (first) flag(first, 't() needs a literal text (the bundles are checked against it)');
      for (const a of rest) sink(a, 'an argument of t()');
      return;
    }
    if (isLogCall(node)) return; // the log stays English
    if (ts.isCallExpression(node) && calleeName(node.expression) === TRANSLATED) return node.arguments.forEach(visit);
    if (ts.isCallExpression(node)) {
      const indexes = textArgIndexes(node);
      visit(node.expression);
      node.arguments.forEach((a, i) => (indexes !== null && (indexes === undefined || indexes.includes(i)) ? sink(a, `shown by ${calleeName(node.expression)}()`) : NOT_TEXT_CALLS.has(calleeName(node.expression) ?? '') && !ts.isArrowFunction(a) && !ts.isFunctionExpression(a) ? undefined : visit(a)));
      return;
    }
    if (isErrorNew(node)) {
      visit(node.expression);
      for (const a of node.arguments ?? []) sink(a, `message of new ${calleeName(node.expression)}()`);
      return;
    }
    if (ts.isPropertyAssignment(node)) {
      const name = node.name && (ts.isIdentifier(node.name) || ts.isStringLiteral(node.name)) ? node.name.text : undefined;
      if (name && TEXT_PROPS.has(name)) return sink(node.initializer, `property ${name}`);
      return visit(node.initializer);
    }
    if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.EqualsToken && ts.isPropertyAccessExpression(node.left) && TEXT_PROPS.has(node.left.name.text)) {
      return sink(node.right, `assigned to .${node.left.name.text}`);
    }
    if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.EqualsToken && ts.isIdentifier(node.left) && TEXT_PROPS.has(node.left.text)) {
      return sink(node.right, `assigned to ${node.left.text}`);
    }
    if (ts.isVariableDeclaration(node) && ts.isIdentifier(node.name) && TEXT_PROPS.has(node.name.text) && node.initializer) return sink(node.initializer, `${node.name.text}`);
    if (ts.isBinaryExpression(node) && [ts.SyntaxKind.EqualsEqualsEqualsToken, ts.SyntaxKind.ExclamationEqualsEqualsToken, ts.SyntaxKind.EqualsEqualsToken, ts.SyntaxKind.ExclamationEqualsToken, ts.SyntaxKind.InKeyword].includes(node.operatorToken.kind)) return;
    if (ts.isCaseClause(node)) return node.statements.forEach(visit);
    if (ts.isElementAccessExpression(node)) return visit(node.expression);
    if (ts.isPropertyAccessExpression(node)) return visit(node.expression);
    if (ts.isReturnStatement(node) && node.expression) {
      // A returned literal that reads as words is shown (messages built by helpers).
      return sinkWords(node.expression);
    }
    const text = textOf(node);
    if (text !== undefined) {
      if (readsAsWords(text)) flag(node, 'reads as words');
      if (ts.isTemplateExpression(node)) for (const s of node.templateSpans) visit(s.expression);
      return;
    }
    ts.forEachChild(node, visit);
  };
  /** Like visit, but literals in text positions (conditional branches, concatenation) are judged as words. */
  const sinkWords = (node) => visit(node);

  visit(sf);
  return { findings, keys, ignored };
}

/** Placeholders of a message: {0}, {name}. */
export function placeholders(message) {
  return [...new Set([...message.matchAll(/\{([A-Za-z0-9_]+)\}/g)].map((m) => m[1]))].sort();
}

/** The message text of a bundle entry (a string, or { message, comment }). */
export const entryText = (entry) => (typeof entry === 'string' ? entry : entry?.message);

/**
 * Compares a translation with the English: every English key present, no extra key, the same
 * placeholders, not empty. Returns problems in words.
 */
export function compareBundles(english, translated, where) {
  const problems = [];
  for (const [key, value] of Object.entries(english)) {
    const other = entryText(translated[key]);
    if (other === undefined) problems.push(`${where}: missing "${key}"`);
    else if (!other.trim()) problems.push(`${where}: empty translation of "${key}"`);
    else if (placeholders(entryText(value)).join() !== placeholders(other).join()) problems.push(`${where}: "${key}" has placeholders {${placeholders(entryText(value))}} in English but {${placeholders(other)}} here`);
  }
  for (const key of Object.keys(translated)) if (!(key in english)) problems.push(`${where}: "${key}" is not an English key (left over?)`);
  return problems;
}

/** Every %key% of a manifest (package.json), with where it is. */
export function manifestKeys(manifest) {
  const keys = [];
  const walk = (value, path) => {
    if (typeof value === 'string') for (const m of value.matchAll(/^%([^%\s]+)%$/g)) keys.push({ key: m[1], path });
    else if (Array.isArray(value)) value.forEach((v, i) => walk(v, `${path}[${i}]`));
    else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) walk(v, path ? `${path}.${k}` : k);
  };
  walk(manifest, '');
  return keys;
}

/** Manifest texts shown to users that are not %key% placeholders. */
export function manifestLiterals(manifest) {
  const shown = [];
  const c = manifest.contributes ?? {};
  const check = (value, path) => typeof value === 'string' && !/^%[^%\s]+%$/.test(value) && shown.push(`${path}: "${value.slice(0, 60)}"`);
  check(manifest.displayName, 'displayName');
  check(manifest.description, 'description');
  check(manifest.capabilities?.untrustedWorkspaces?.description, 'capabilities.untrustedWorkspaces.description');
  for (const [i, cmd] of (c.commands ?? []).entries()) check(cmd.title, `commands[${i}].title`), check(cmd.category, `commands[${i}].category`), check(cmd.shortTitle, `commands[${i}].shortTitle`);
  for (const [i, v] of (c.viewsContainers?.activitybar ?? []).entries()) check(v.title, `viewsContainers.activitybar[${i}].title`);
  for (const [group, views] of Object.entries(c.views ?? {})) for (const [i, v] of views.entries()) check(v.name, `views.${group}[${i}].name`), check(v.contextualTitle, `views.${group}[${i}].contextualTitle`);
  for (const [i, w] of (c.viewsWelcome ?? []).entries()) check(w.contents, `viewsWelcome[${i}].contents`);
  for (const [i, w] of (c.walkthroughs ?? []).entries()) {
    check(w.title, `walkthroughs[${i}].title`), check(w.description, `walkthroughs[${i}].description`);
    for (const [j, s] of (w.steps ?? []).entries()) check(s.title, `walkthroughs[${i}].steps[${j}].title`), check(s.description, `walkthroughs[${i}].steps[${j}].description`), check(s.media?.altText, `walkthroughs[${i}].steps[${j}].media.altText`);
  }
  const config = Array.isArray(c.configuration) ? c.configuration : c.configuration ? [c.configuration] : [];
  for (const [i, conf] of config.entries()) {
    check(conf.title, `configuration[${i}].title`);
    for (const [name, p] of Object.entries(conf.properties ?? {})) {
      for (const k of ['description', 'markdownDescription', 'deprecationMessage']) check(p[k], `${name}.${k}`);
      for (const [j, d] of (p.enumDescriptions ?? []).entries()) check(d, `${name}.enumDescriptions[${j}]`);
    }
  }
  return shown;
}
