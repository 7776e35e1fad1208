/** Types of install-code-server.mjs for the TypeScript tests. */
/** The code-server binary in the git-ignored cache (may not exist yet). */
export declare function codeServerBin(): string;
/** Installs code-server into the cache when missing; returns the binary. */
export declare function ensureCodeServer(): string;
