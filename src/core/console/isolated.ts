/**
 * Consoles side by side: each session's console opens in a browser profile of its own (Chrome, Chromium or
 * Edge with `--user-data-dir`), so its console cookie never replaces another session's. Plain TypeScript:
 * the profile folder (0700, ours, verified), the one-use redirect page that carries the sign-in URL, and the
 * browser's arguments. The platform layer spawns the browser.
 *
 * The sign-in URL holds a sign-in token (one login within 15 minutes). A command line is readable by every
 * local user (`ps`), so the URL never goes on one: it goes into a 0600 page inside the 0700 profile folder,
 * and the browser is given that page's file: URL. The page replaces itself with the sign-in URL at once and is
 * removed shortly after (and any left by a crash at the next launch).
 */
import { randomBytes } from 'node:crypto';
import { lstat, mkdir, open, readdir, rm, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { UserFacingError } from '../errors';
import { ensurePrivateDir, trustProblem } from '../ipc/paths';
import { t } from '../l10n';

/** Sub-folder of global storage holding one profile folder per session. */
export const CONSOLE_PROFILES_DIR = 'console-profiles';
/** How long a redirect page may stay (the browser reads it at once; a busy machine may take seconds). */
export const REDIRECT_PAGE_LIFETIME_MS = 60_000;
const PAGE = /^open-[0-9a-f]{32}\.html$/;
const SAFE_ID = /^[A-Za-z0-9._-]{1,128}$/;
/** Whether a session id can name a folder: a plain name, not `.`/`..` or hidden. */
const namesAFolder = (sessionId: string): boolean => SAFE_ID.test(sessionId) && !sessionId.startsWith('.');

/** The session's own profile folder, created 0700 and checked: a folder of ours that no one else can enter. */
export function consoleProfileDir(storageDir: string, sessionId: string, platform: NodeJS.Platform = process.platform): string {
  if (!namesAFolder(sessionId)) throw new UserFacingError(t('The session id "{0}" cannot name a browser profile folder.', sessionId.slice(0, 64)));
  const root = join(storageDir, CONSOLE_PROFILES_DIR);
  const dir = join(root, sessionId);
  ensurePrivateDir(root);
  ensurePrivateDir(dir);
  if (platform !== 'win32') {
    const check = trustProblem(dir, 'folder');
    if (!check.ok) throw new UserFacingError(t('The browser profile folder is not private: {0}.', check.reason), t('Remove the folder and try again.'));
  }
  return dir;
}

/**
 * Removes a deleted session's profile folder (its console cookies last up to 12 hours). Only a real folder of ours
 * is removed: a symbolic link in its place is left alone (and its target untouched); a folder never made is no error.
 */
export async function removeConsoleProfile(storageDir: string, sessionId: string): Promise<boolean> {
  if (!namesAFolder(sessionId)) return false;
  const dir = join(storageDir, CONSOLE_PROFILES_DIR, sessionId);
  const st = await lstat(dir).catch(() => undefined);
  if (!st?.isDirectory()) return false;
  await rm(dir, { recursive: true, force: true, maxRetries: 2 });
  return true;
}

function escapeAttr(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** The page: replaces itself with the sign-in URL (no history entry), a meta refresh where scripts are off. */
export function redirectPage(url: string, title: string): string {
  const target = escapeAttr(url);
  return [
    '<!DOCTYPE html>',
    `<html><head><meta charset="utf-8"><meta name="referrer" content="no-referrer"><title>${escapeAttr(title)}</title>`,
    `<meta http-equiv="refresh" content="0;url=${target}">`,
    `<script>location.replace(${JSON.stringify(url).replace(/</g, '\\u003c')});</script>`,
    '</head><body></body></html>',
    '',
  ].join('\n');
}

/** Writes the redirect page (0600, created new) in the profile folder and returns its path. */
export async function writeRedirectPage(profileDir: string, url: string, title: string): Promise<string> {
  const path = join(profileDir, `open-${randomBytes(16).toString('hex')}.html`);
  const handle = await open(path, 'wx', 0o600);
  try {
    await handle.writeFile(redirectPage(url, title));
  } finally {
    await handle.close();
  }
  return path;
}

/** Removes redirect pages older than `maxAgeMs` (a crash between launch and removal leaves one). */
export async function removeStalePages(profileDir: string, nowMs: number, maxAgeMs = REDIRECT_PAGE_LIFETIME_MS): Promise<number> {
  let removed = 0;
  for (const name of await readdir(profileDir).catch(() => [] as string[])) {
    if (!PAGE.test(name)) continue;
    const path = join(profileDir, name);
    const st = await lstat(path).catch(() => undefined);
    if (st && st.isFile() && nowMs - st.mtimeMs >= maxAgeMs) {
      await unlink(path).catch(() => undefined);
      removed += 1;
    }
  }
  return removed;
}

/**
 * Window colours for the sessions' browser profiles: eight hues far enough apart to tell two windows apart at a
 * glance, as Chromium's own profile colours are. A session keeps its colour (a hash of its id picks it).
 */
export const PROFILE_COLOURS = [0x1a73e8, 0xd93025, 0x188038, 0xf9ab00, 0x9334e6, 0x007b83, 0xe8710a, 0xd01884] as const;

/** The colour of a session's console window (0xRRGGBB). */
export function profileColour(sessionId: string): number {
  let hash = 0x811c9dc5; // FNV-1a
  for (let i = 0; i < sessionId.length; i++) hash = Math.imul(hash ^ sessionId.charCodeAt(i), 0x01000193);
  return PROFILE_COLOURS[(hash >>> 0) % PROFILE_COLOURS.length];
}

/**
 * Gives a new profile its window colour: Chromium reads `browser.theme.user_color` (an opaque ARGB integer) from the
 * profile's Default/Preferences and tints the window and its pages with it. Written only into a profile that has
 * none yet (the folder and the file created new, 0700 / 0600): a profile the browser already owns keeps its own
 * preferences, and nothing is written through a link. Returns whether it wrote.
 */
export async function seedProfileColour(profileDir: string, sessionId: string): Promise<boolean> {
  const dir = join(profileDir, 'Default');
  try {
    await mkdir(dir, { mode: 0o700 });
  } catch {
    return false; // there already (the browser's, or anything else): left as it is
  }
  const argb = (0xff000000 | profileColour(sessionId)) | 0;
  const preferences = { browser: { theme: { user_color: argb, color_variant: 1 } }, extensions: { theme: { id: 'user_color_theme_id', system_theme: 0 } } };
  const handle = await open(join(dir, 'Preferences'), 'wx', 0o600);
  try {
    await handle.writeFile(JSON.stringify(preferences));
  } finally {
    await handle.close();
  }
  return true;
}

/** The browser's arguments: its own profile, a new window named after the session, the page's file: URL. */
export function isolatedBrowserArgs(profileDir: string, pagePath: string, windowName: string, extra: readonly string[] = []): string[] {
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  return [
    `--user-data-dir=${profileDir}`,
    '--no-first-run',
    '--no-default-browser-check',
    '--new-window',
    // Chromium and Chrome show it as the window's title in the window manager (and the task bar).
    `--window-name=${windowName}`,
    ...(isRoot ? ['--no-sandbox'] : []),
    ...extra,
    pathToFileURL(pagePath).href,
  ];
}
