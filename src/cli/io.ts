/** Terminal input and output helpers of the CLI: secrets without echo, confirmations, aligned tables. */
import { writeSync } from 'node:fs';
import { escapeUnsafe } from '../core/text';

/**
 * Write to stdout (1) or stderr (2) synchronously without creating process.stdout/stderr: their
 * stream machinery costs start-up time on every credential_process call. Falls back to the stream
 * when the descriptor is non-blocking and full. True when everything is written (the process may exit
 * at once); false when the stream still holds the rest.
 */
export function writeOut(fd: 1 | 2, text: string): boolean {
  const bytes = Buffer.from(text, 'utf8');
  let offset = 0;
  try {
    while (offset < bytes.length) offset += writeSync(fd, bytes, offset);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EAGAIN') throw error;
    (fd === 1 ? process.stdout : process.stderr).write(bytes.subarray(offset));
    return false;
  }
}

function readAllStdin(): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    process.stdin.on('data', (c: Buffer) => chunks.push(c));
    process.stdin.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    process.stdin.on('error', reject);
  });
}

/** Read one line from the terminal; `hidden` turns echo off (secrets). */
function promptLine(question: string, hidden: boolean): Promise<string> {
  return new Promise((resolve, reject) => {
    const stdin = process.stdin;
    writeOut(2, question);
    let value = '';
    const raw = hidden && stdin.isTTY;
    if (raw) stdin.setRawMode(true);
    stdin.resume();
    const onData = (chunk: Buffer) => {
      for (const ch of chunk.toString('utf8')) {
        if (ch === '\r' || ch === '\n') return done();
        if (ch === '\u0003') return fail();
        if (ch === '\u007f' || ch === '\b') value = value.slice(0, -1);
        else value += ch;
      }
    };
    const cleanup = () => {
      stdin.off('data', onData);
      if (raw) stdin.setRawMode(false);
      stdin.pause();
      writeOut(2, '\n');
    };
    const done = () => {
      cleanup();
      resolve(value.trim());
    };
    const fail = () => {
      cleanup();
      reject(new Error('cancelled'));
    };
    stdin.on('data', onData);
  });
}

/** Secrets in the order of `labels`: one per line from piped stdin, else prompted without echo. */
export async function readSecrets(labels: readonly string[]): Promise<string[]> {
  if (labels.length === 0) return [];
  if (!process.stdin.isTTY) {
    const lines = (await readAllStdin()).split(/\r?\n/);
    return labels.map((_l, i) => (lines[i] ?? '').trim());
  }
  const values: string[] = [];
  for (const label of labels) values.push(await promptLine(`${label}: `, true));
  return values;
}

export async function confirm(question: string): Promise<boolean> {
  if (!process.stdin.isTTY) return false;
  return /^y(es)?$/i.test(await promptLine(`${question} [y/N] `, false));
}

/**
 * Aligned columns. Cells come from the editor's state, which may be older than today's name rules: a
 * missing value prints empty, and controls, bidi overrides and line separators print as `\uXXXX`.
 */
export function table(headers: readonly string[], cellRows: ReadonlyArray<ReadonlyArray<string | undefined>>): string {
  const rows = cellRows.map((r) => headers.map((_h, i) => escapeUnsafe(typeof r[i] === 'string' ? r[i] : r[i] === undefined || r[i] === null ? '' : String(r[i]))));
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: readonly string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]))).join('  ');
  return [line(headers), ...rows.map(line)].join('\n');
}
