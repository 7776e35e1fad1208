/** Whether a process that left a file behind (a lock, a temp file, an operation in flight) is gone. */
import * as os from 'node:os';

/** True while a process with this id exists on this host (one of another user counts as alive). */
export function pidAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** This machine's name, as recorded next to a pid (a pid only means something on its own host). */
export function hostName(): string {
  return os.hostname();
}

/** A short, file-name-safe tag of this host (FNV-1a of the host name, 8 hex digits). */
export function hostTag(host: string = hostName()): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < host.length; i++) h = Math.imul(h ^ host.charCodeAt(i), 0x01000193) >>> 0;
  return h.toString(16).padStart(8, '0');
}

/** A process of this host other than this one, that no longer runs. */
export function deadOnThisHost(pid: number, host: string = hostName()): boolean {
  return host === hostName() && pid !== process.pid && !pidAlive(pid);
}
