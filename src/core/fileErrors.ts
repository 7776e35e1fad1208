/**
 * File errors the user reads: which file, the cause in words, what to do. Every read and write of the
 * AWS files, the state file and the lock files goes through {@link fileError}, so no bare
 * `EISDIR: illegal operation on a directory` or `ENOSPC` reaches a notification.
 */
import { UserFacingError } from './errors';
import { t } from './l10n';

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
      t('{0} is read-only for you (mode {1}): AWS Sessions does not overwrite a write-protected file, and changed nothing.', file, (mode & 0o777).toString(8).padStart(4, '0')),
      t('If AWS Sessions may change it, make it writable (chmod u+w "{0}"), or point AWS_SHARED_CREDENTIALS_FILE / AWS_CONFIG_FILE at files it may change; then try again.', file),
    );
    this.name = 'ReadOnlyFileError';
  }
}

/** The causes of system errors in words, in the language in use. */
const causes = (): Record<string, { cause: string; fix: string }> => ({
  EISDIR: { cause: t('a folder is where the file should be'), fix: t('Rename or remove that folder (the file is created again when needed), then try again.') },
  ENOTDIR: { cause: t('a part of its path is a file, not a folder'), fix: t('Fix the path (or the environment variable that sets it), then try again.') },
  ENOSPC: { cause: t('the disk is full'), fix: t('Free some space on that disk, then try again; the file was left as it was.') },
  EDQUOT: { cause: t('your disk quota is used up'), fix: t('Free some space in your quota, then try again; the file was left as it was.') },
  EACCES: { cause: t('permission denied'), fix: t('Give your user access to the file and its folder (check with ls -l), then try again.') },
  EPERM: { cause: t('the operation is not permitted'), fix: t('Check the file and its folder: owner, permissions, and attributes such as immutable (lsattr); then try again.') },
  EROFS: { cause: t('it is on a read-only file system'), fix: t('Remount it writable, or point AWS_SHARED_CREDENTIALS_FILE / AWS_CONFIG_FILE at a writable place; then try again.') },
  ENOENT: { cause: t('its folder does not exist'), fix: t('Create the folder (or fix the path that names it), then try again.') },
  ELOOP: { cause: t('its symbolic links form a loop'), fix: t('Fix the symbolic link (ls -l shows where it points), then try again.') },
  ENAMETOOLONG: { cause: t('the path is too long'), fix: t('Use a shorter path, then try again.') },
  EMFILE: { cause: t('this process has too many files open'), fix: t('Close some editors or windows, then try again.') },
  ENFILE: { cause: t('the system has too many files open'), fix: t('Close some programs, then try again.') },
  EIO: { cause: t('the disk reported an input/output error'), fix: t('Check the disk (system logs, fsck); the file was left as it was.') },
  EBUSY: { cause: t('it is in use by another program'), fix: t('Close the program that holds it, then try again.') },
  ETXTBSY: { cause: t('it is in use by another program'), fix: t('Close the program that holds it, then try again.') },
  EXDEV: { cause: t('it cannot be replaced across file systems'), fix: t('Keep the file and its folder on one file system, then try again.') },
});

/** "Could not read <file>: <cause> (<code>)." for each action. */
const couldNot = (action: FileAction, file: string, cause: string, code: string): string =>
  ({
    read: () => t('Could not read {0}: {1} ({2}).', file, cause, code),
    write: () => t('Could not write {0}: {1} ({2}).', file, cause, code),
    remove: () => t('Could not remove {0}: {1} ({2}).', file, cause, code),
    'create the lock': () => t('Could not create the lock {0}: {1} ({2}).', file, cause, code),
  })[action]();

/**
 * The error to report for a failed file operation: a {@link FileAccessError} naming `file`, the cause in
 * words and the fix for system errors; any other error (already described, a parse error …) unchanged.
 */
export function fileError(error: unknown, file: string, action: FileAction): unknown {
  if (error instanceof FileAccessError) return error;
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (!(error instanceof Error) || typeof code !== 'string' || !/^E[A-Z0-9]+$/.test(code)) return error;
  const known = causes()[code] ?? { cause: t('the system refused it'), fix: t('Check the file and its folder, then try again.') };
  return new FileAccessError(file, code, couldNot(action, file, known.cause, code), known.fix, { cause: error });
}

/** Run a file operation; a failure becomes the error {@link fileError} describes. */
export async function describingFileErrors<T>(file: string, action: FileAction, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    throw fileError(error, file, action);
  }
}
