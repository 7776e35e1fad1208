/**
 * File errors the user reads: which file, the cause in words, what to do. Every read and write of the
 * AWS files, the state file and the lock files goes through {@link fileError}, so no bare
 * `EISDIR: illegal operation on a directory` or `ENOSPC` reaches a notification.
 */
import { UserFacingError } from './errors';

/** What was being done, as it reads in "Could not <action> <file>". */
export type FileAction = 'read' | 'write' | 'remove' | 'create the lock';

/** A file operation failed; `file` is the path, `code` the system code (ENOSPC …) kept for logs and tests. */
export class FileAccessError extends UserFacingError {
  constructor(
    readonly file: string,
    readonly code: string,
    message: string,
    fix: string,
    options?: { cause?: unknown },
  ) {
    super(message, fix, options);
    this.name = 'FileAccessError';
  }
}

/** The user write-protected the file (e.g. chmod 444): we respect that and change nothing. */
export class ReadOnlyFileError extends FileAccessError {
  constructor(file: string, mode: number) {
    super(
      file,
      'READONLY',
      `${file} is read-only for you (mode ${(mode & 0o777).toString(8).padStart(4, '0')}): AWS Sessions does not overwrite a write-protected file, and changed nothing.`,
      `If AWS Sessions may change it, make it writable (chmod u+w "${file}"), or point AWS_SHARED_CREDENTIALS_FILE / AWS_CONFIG_FILE at files it may change; then try again.`,
    );
    this.name = 'ReadOnlyFileError';
  }
}

const CAUSES: Record<string, { cause: string; fix: string }> = {
  EISDIR: { cause: 'a folder is where the file should be', fix: 'Rename or remove that folder (the file is created again when needed), then try again.' },
  ENOTDIR: { cause: 'a part of its path is a file, not a folder', fix: 'Fix the path (or the environment variable that sets it), then try again.' },
  ENOSPC: { cause: 'the disk is full', fix: 'Free some space on that disk, then try again; the file was left as it was.' },
  EDQUOT: { cause: 'your disk quota is used up', fix: 'Free some space in your quota, then try again; the file was left as it was.' },
  EACCES: { cause: 'permission denied', fix: 'Give your user access to the file and its folder (check with ls -l), then try again.' },
  EPERM: { cause: 'the operation is not permitted', fix: 'Check the file and its folder: owner, permissions, and attributes such as immutable (lsattr); then try again.' },
  EROFS: { cause: 'it is on a read-only file system', fix: 'Remount it writable, or point AWS_SHARED_CREDENTIALS_FILE / AWS_CONFIG_FILE at a writable place; then try again.' },
  ENOENT: { cause: 'its folder does not exist', fix: 'Create the folder (or fix the path that names it), then try again.' },
  ELOOP: { cause: 'its symbolic links form a loop', fix: 'Fix the symbolic link (ls -l shows where it points), then try again.' },
  ENAMETOOLONG: { cause: 'the path is too long', fix: 'Use a shorter path, then try again.' },
  EMFILE: { cause: 'this process has too many files open', fix: 'Close some editors or windows, then try again.' },
  ENFILE: { cause: 'the system has too many files open', fix: 'Close some programs, then try again.' },
  EIO: { cause: 'the disk reported an input/output error', fix: 'Check the disk (system logs, fsck); the file was left as it was.' },
  EBUSY: { cause: 'it is in use by another program', fix: 'Close the program that holds it, then try again.' },
  ETXTBSY: { cause: 'it is in use by another program', fix: 'Close the program that holds it, then try again.' },
  EXDEV: { cause: 'it cannot be replaced across file systems', fix: 'Keep the file and its folder on one file system, then try again.' },
};

/**
 * The error to report for a failed file operation: a {@link FileAccessError} naming `file`, the cause in
 * words and the fix for system errors; any other error (already described, a parse error …) unchanged.
 */
export function fileError(error: unknown, file: string, action: FileAction): unknown {
  if (error instanceof FileAccessError) return error;
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (!(error instanceof Error) || typeof code !== 'string' || !/^E[A-Z0-9]+$/.test(code)) return error;
  const known = CAUSES[code] ?? { cause: 'the system refused it', fix: 'Check the file and its folder, then try again.' };
  return new FileAccessError(file, code, `Could not ${action} ${file}: ${known.cause} (${code}).`, known.fix, { cause: error });
}

/** Run a file operation; a failure becomes the error {@link fileError} describes. */
export async function describingFileErrors<T>(file: string, action: FileAction, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    throw fileError(error, file, action);
  }
}
