/**
 * The leak scan of test/e2e/security.e2e.ts: every file under the given roots searched for each secret
 * as UTF-8 and as UTF-16, plus where the browser keeps its profile. No exclusions here: a test that
 * expects a secret in one file says so by checking the hits, so the scanner itself never skips a file.
 */
import { existsSync, lstatSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface Needle {
  label: string;
  value: string;
}

export interface Hit {
  path: string;
  /** The needle's label, with " (UTF-16)" when found in that encoding. */
  label: string;
}

export interface ScanResult {
  files: number;
  bytes: number;
  hits: Hit[];
}

export function scan(roots: string[], needles: Needle[]): ScanResult {
  const patterns = needles.flatMap((n) => [
    { label: n.label, bytes: Buffer.from(n.value, 'utf8') },
    { label: `${n.label} (UTF-16)`, bytes: Buffer.from(n.value, 'utf16le') },
  ]);
  const result: ScanResult = { files: 0, bytes: 0, hits: [] };
  const seen = new Set<string>();
  const walk = (path: string) => {
    if (seen.has(path) || !existsSync(path)) return;
    seen.add(path);
    const st = lstatSync(path);
    if (st.isSymbolicLink()) return;
    if (st.isDirectory()) {
      for (const name of readdirSync(path)) walk(join(path, name));
      return;
    }
    if (!st.isFile() || st.size > 512 * 1024 * 1024) return;
    let data: Buffer;
    try {
      data = readFileSync(path);
    } catch {
      return; // a file removed while scanning (locks, temp files)
    }
    result.files++;
    result.bytes += data.length;
    for (const p of patterns) if (data.includes(p.bytes)) result.hits.push({ path, label: p.label });
  };
  for (const root of roots) walk(root);
  return result;
}

/** The profile folder of the Chromium this process launched (playwright's temp profile). */
export function chromiumProfiles(): string[] {
  const found: string[] = [];
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid !== process.pid) continue;
      const dir = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').find((a) => a.startsWith('--user-data-dir='));
      if (dir) found.push(dir.slice('--user-data-dir='.length));
    } catch {
      /* gone */
    }
  }
  return [...new Set(found)];
}

/**
 * The AWS files as a failed test's report prints them: every credential value (keys, secret, token) replaced by
 * its length, so a CI log never holds one, even the double's; the rest (profiles, expiry, regions) kept.
 */
export function redactCredentials(text: string): string {
  return text.replace(/^(\s*(?:aws_access_key_id|aws_secret_access_key|aws_session_token|aws_security_token)\s*=\s*)(\S.*?)\s*$/gim, (_, key: string, value: string) => `${key}<${value.length} characters>`);
}
