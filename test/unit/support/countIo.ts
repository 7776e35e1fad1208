/**
 * Counts whole-file reads and replacing writes (renames onto it) of one file, through node:fs/promises as
 * the state store and the atomic writer use it. `restore()` puts the functions back.
 */
import { promises as fs } from 'node:fs';

export interface IoCount {
  reads: number;
  writes: number;
  reset(): void;
  restore(): void;
}

export function countIo(file: string): IoCount {
  const readFile = fs.readFile;
  const rename = fs.rename;
  const open = fs.open;
  const c: IoCount = {
    reads: 0,
    writes: 0,
    reset: () => {
      c.reads = 0;
      c.writes = 0;
    },
    restore: () => {
      fs.readFile = readFile;
      fs.rename = rename;
      fs.open = open;
    },
  };
  fs.readFile = ((p: Parameters<typeof readFile>[0], ...rest: never[]) => {
    if (String(p) === file) c.reads++;
    return readFile.call(fs, p, ...rest);
  }) as typeof fs.readFile;
  fs.open = (async (p: Parameters<typeof open>[0], ...rest: never[]) => {
    const handle = await open.call(fs, p, ...rest);
    if (String(p) !== file) return handle;
    const read = handle.readFile.bind(handle);
    handle.readFile = ((...args: never[]) => {
      c.reads++;
      return read(...args);
    }) as typeof handle.readFile;
    return handle;
  }) as typeof fs.open;
  fs.rename = ((from: Parameters<typeof rename>[0], to: Parameters<typeof rename>[1]) => {
    if (String(to) === file) c.writes++;
    return rename.call(fs, from, to);
  }) as typeof fs.rename;
  return c;
}
