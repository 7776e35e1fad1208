// Types of scripts/check-l10n.mjs, for the TypeScript tests.
export declare function checkL10n(
  root: string,
  options?: { write?: boolean },
): { problems: string[]; stats: { keys: number; pending: number; pendingFiles: number; perArea: Record<string, number>; manifestKeys: number; languages: string[]; nlsLanguages: string[]; ignored: number } };
