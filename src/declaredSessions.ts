/**
 * The editor side of a project's declared sessions (`.vscode/aws-sessions.json`): in a trusted workspace
 * only, reads each folder's file when the window opens, when trust is granted and when the file changes
 * (a FileSystemWatcher per folder, no polling), and offers each change once: a notification → a preview
 * of exactly what will be added and updated → a modal confirmation → apply. Nothing without consent.
 * The preview is a read-only virtual document (`aws-sessions-preview:`), shown rendered by VS Code's
 * Markdown preview: the reader sees the text, not its Markdown escapes, and cannot edit it.
 */
import * as vscode from 'vscode';
import { DECLARED_OFFERED_PREFIX, DECLARED_PREVIEW_SCHEME } from './core/constants';
import { DECLARED_FILE, declaredFileRefusal, parseDeclaredFile, type DeclaredFile, type DeclaredParse } from './core/declared/file';
import { offerDecision, planDeclared, planFingerprint, type DeclaredPlan, type OfferDecision } from './core/declared/plan';
import { applyDeclaredPlan, type DeclaredApplyDeps, type DeclaredApplyReport } from './core/declared/apply';
import { declaredPreview, describeProblems } from './core/declared/preview';
import { DisposableOwner, toDisposable } from './core/disposables';
import { errorMessage } from './core/errors';

const { t } = vscode.l10n;

export interface DeclaredSessionsDeps extends DeclaredApplyDeps {
  /** Where "offered once" is remembered (the workspace's state). */
  memento: vscode.Memento;
  defaultRegion: () => string | undefined;
}

/** What one check of a folder came to (returned by the command, for tests). */
export interface DeclaredCheck {
  folder: string;
  decision: OfferDecision | 'noFile' | 'declined';
  report?: DeclaredApplyReport;
}

export class DeclaredSessions extends DisposableOwner {
  private readonly watchers = new Map<string, vscode.Disposable>();
  /** One check per folder at a time; a change during one is checked after it. */
  private readonly running = new Map<string, Promise<DeclaredCheck>>();
  /** The last valid file read per folder (its expectedAccountIds serve the command guard). */
  private readonly files = new Map<string, DeclaredFile>();
  /** Problems already shown, per folder: the same content is not reported twice. */
  private readonly problemsShown = new Map<string, string>();
  private readonly expectedChanged = this.register(new vscode.EventEmitter<void>());
  /** Fires when a folder's expected account ids may have changed (its file was read, changed or removed). */
  readonly onDidChangeExpected = this.expectedChanged.event;
  /** The preview documents' Markdown, by URI (a new one per offer; dropped when its document closes). */
  private readonly previews = new Map<string, string>();
  private offers = 0;

  constructor(private readonly deps: DeclaredSessionsDeps) {
    super();
    this.register(vscode.workspace.registerTextDocumentContentProvider(DECLARED_PREVIEW_SCHEME, { provideTextDocumentContent: (uri) => this.previews.get(uri.toString()) ?? '' }));
    this.register(vscode.workspace.onDidCloseTextDocument((d) => this.previews.delete(d.uri.toString())));
    this.register(vscode.workspace.onDidGrantWorkspaceTrust(() => this.start()));
    this.register(vscode.workspace.onDidChangeWorkspaceFolders(() => this.start()));
    this.register(toDisposable(() => this.watchers.forEach((w) => w.dispose())));
  }

  /** Watch every folder's file and check each once; does nothing in an untrusted workspace (not even read the file). */
  start(): void {
    if (!vscode.workspace.isTrusted) {
      this.deps.logger.info(`Declared sessions: this workspace is not trusted; ${DECLARED_FILE} is not read.`);
      return;
    }
    const folders = vscode.workspace.workspaceFolders ?? [];
    const current = new Set(folders.map((f) => f.uri.toString()));
    for (const [key, watcher] of this.watchers) {
      if (current.has(key)) continue;
      watcher.dispose();
      this.watchers.delete(key);
    }
    for (const folder of folders) {
      const key = folder.uri.toString();
      if (this.watchers.has(key)) continue;
      const watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(folder, DECLARED_FILE));
      const changed = () => void this.check(folder, false);
      this.watchers.set(key, vscode.Disposable.from(watcher, watcher.onDidCreate(changed), watcher.onDidChange(changed)));
      changed();
    }
  }

  /** Profile → expected account ids the folder's file declares (empty when untrusted, absent or invalid). */
  expectedAccountIds(folder: vscode.WorkspaceFolder): Readonly<Record<string, readonly string[]>> {
    return (vscode.workspace.isTrusted && this.files.get(folder.uri.toString())?.expectedAccountIds) || {};
  }

  /** Keeps a folder's last valid file; tells the views when its expected accounts changed. */
  private remember(key: string, file: DeclaredFile | undefined): void {
    const before = JSON.stringify(this.files.get(key)?.expectedAccountIds ?? {});
    if (file) this.files.set(key, file);
    else this.files.delete(key);
    if (JSON.stringify(file?.expectedAccountIds ?? {}) !== before) this.expectedChanged.fire();
  }

  /** Read, plan and (with consent) apply one folder's file. `asked`: the command, which offers even an unchanged plan. */
  check(folder: vscode.WorkspaceFolder, asked: boolean): Promise<DeclaredCheck> {
    const key = folder.uri.toString();
    const next = (this.running.get(key) ?? Promise.resolve(undefined)).then(() => this.checkNow(folder, asked)).catch((error: unknown): DeclaredCheck => {
      this.deps.logger.warn(`Declared sessions of ${key}: ${errorMessage(error)}`);
      if (asked) void vscode.window.showErrorMessage(t('AWS Sessions: the project sessions of "{0}" could not be applied: {1}', folder.name, errorMessage(error)));
      return { folder: key, decision: 'problems' };
    });
    this.running.set(key, next);
    return next;
  }

  private async checkNow(folder: vscode.WorkspaceFolder, asked: boolean): Promise<DeclaredCheck> {
    const key = folder.uri.toString();
    if (!vscode.workspace.isTrusted) {
      if (asked) void vscode.window.showWarningMessage(t('AWS Sessions: project sessions are not applied in Restricted Mode. Trust the workspace first if you trust its {0}.', DECLARED_FILE));
      return { folder: key, decision: 'untrusted' };
    }
    const read = await this.read(folder);
    if (read === undefined) {
      this.remember(key, undefined);
      if (asked) void vscode.window.showInformationMessage(t('AWS Sessions: folder "{0}" has no {1}.', folder.name, DECLARED_FILE));
      return { folder: key, decision: 'noFile' };
    }
    // Refused by its stat, not read (the same refusal is not reported twice either).
    const [parsed, text] = typeof read === 'string' ? [parseDeclaredFile(read), read] : [read.refused, JSON.stringify(read.refused)];
    this.remember(key, parsed.ok ? parsed.file : undefined);
    const plan = parsed.ok ? planDeclared(await this.deps.state.read(), parsed.file, key, { defaultRegion: this.deps.defaultRegion() }) : undefined;
    const decision = offerDecision({ trusted: true, problems: !parsed.ok, plan, lastOffered: this.deps.memento.get<string>(DECLARED_OFFERED_PREFIX + key), asked });
    if (!parsed.ok) {
      const lines = describeProblems(DECLARED_FILE, parsed.problems);
      this.deps.logger.warn(`Declared sessions of ${key}:\n${lines.join('\n')}`);
      if (asked || this.problemsShown.get(key) !== text) void this.showProblems(folder, lines);
      this.problemsShown.set(key, text);
    } else if (decision === 'nothing' && asked) {
      void vscode.window.showInformationMessage(t('AWS Sessions: the sessions {0} declares are all there already.', folder.name));
    }
    if (decision !== 'offer' || !plan || !parsed.ok) return { folder: key, decision };
    await this.deps.memento.update(DECLARED_OFFERED_PREFIX + key, planFingerprint(plan));
    if (asked) return this.offer(folder, plan, parsed.file);
    // A notification nobody answers stays pending: later changes of the file must not wait behind it.
    void this.offer(folder, plan, parsed.file).catch((error: unknown) => this.deps.logger.warn(`Declared sessions of ${key}: ${errorMessage(error)}`));
    return { folder: key, decision };
  }

  private async offer(folder: vscode.WorkspaceFolder, plan: DeclaredPlan, file: DeclaredFile): Promise<DeclaredCheck> {
    const key = folder.uri.toString();
    const adds = plan.items.filter((i) => i.action === 'add').length;
    const updates = plan.items.length - adds;
    const preview = t('Preview…');
    const choice = await vscode.window.showInformationMessage(t('AWS Sessions: folder "{0}" declares AWS sessions: {1} to add, {2} to update. Nothing changes until you confirm.', folder.name, adds, updates), preview, t('Not Now'));
    if (choice !== preview) return { folder: key, decision: 'declined' };
    await this.showPreview(folder, declaredPreview(plan, folder.name, file.expectedAccountIds));
    const apply = t('Apply');
    const confirm = await vscode.window.showWarningMessage(
      t('Apply the project sessions of "{0}"?', folder.name),
      { modal: true, detail: t('The preview lists exactly what is added and updated. Your own sessions are not changed. The file holds no secrets; sign-ins happen when you start a session.') },
      apply,
    );
    if (confirm !== apply) {
      this.deps.logger.info(`Declared sessions of ${key}: not applied (declined at the preview).`);
      return { folder: key, decision: 'declined' };
    }
    // Planned again on the state of now: another window may have applied it meanwhile.
    const fresh = planDeclared(await this.deps.state.read(), file, key, { defaultRegion: this.deps.defaultRegion() });
    const report = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: t('AWS Sessions: applying the project sessions of "{0}"', folder.name) }, () =>
      applyDeclaredPlan(this.deps, fresh, file, { defaultRegion: this.deps.defaultRegion() }),
    );
    const summary = t('{0} added, {1} updated, {2} no longer declared (kept).', report.added.length, report.updated.length, report.released.length);
    if (report.failed.length) void vscode.window.showWarningMessage(t('AWS Sessions: {0} Not applied: {1}', summary, report.failed.map((f) => `${f.alias} (${f.reason})`).join('; ')));
    else void vscode.window.showInformationMessage(t('AWS Sessions: project sessions of "{0}": {1}', folder.name, summary));
    return { folder: key, decision: 'offer', report };
  }

  /** The plan, rendered, beside the editor (read-only); the modal that follows asks to apply it. */
  private async showPreview(folder: vscode.WorkspaceFolder, markdown: string): Promise<void> {
    // A new document per offer (its text never changes under an open preview); the title names the folder.
    const uri = vscode.Uri.from({ scheme: DECLARED_PREVIEW_SCHEME, path: `/${folder.name}/aws-sessions.md`, query: `offer=${++this.offers}` });
    this.previews.set(uri.toString(), markdown);
    const document = await vscode.workspace.openTextDocument(uri);
    try {
      await vscode.commands.executeCommand('markdown.showPreview', uri);
    } catch (error) {
      // The built-in Markdown extension disabled: the text itself, still read-only.
      this.deps.logger.info(`Declared sessions: the Markdown preview is not available (${errorMessage(error)}); showing the text.`);
      await vscode.window.showTextDocument(document, { preview: true });
    }
  }

  private async showProblems(folder: vscode.WorkspaceFolder, lines: readonly string[]): Promise<void> {
    const open = t('Open File');
    const choice = await vscode.window.showWarningMessage(t('AWS Sessions: {0} of folder "{1}" has {2} problem(s): {3}', DECLARED_FILE, folder.name, lines.length, lines[0] ?? ''), open);
    if (choice === open) await vscode.window.showTextDocument(vscode.Uri.joinPath(folder.uri, DECLARED_FILE));
  }

  /** The file's text, why it is not read (too large, no regular file), or undefined when there is none. */
  private async read(folder: vscode.WorkspaceFolder): Promise<string | { refused: DeclaredParse } | undefined> {
    const uri = vscode.Uri.joinPath(folder.uri, DECLARED_FILE);
    try {
      const { size, type } = await vscode.workspace.fs.stat(uri);
      const refused = declaredFileRefusal({ size, regularFile: (type & vscode.FileType.File) !== 0 });
      if (refused) return { refused };
      return new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
    } catch (error) {
      if (error instanceof vscode.FileSystemError && error.code === 'FileNotFound') return undefined;
      throw error;
    }
  }
}
