// Types of scripts/codeServer.mjs, for the TypeScript e2e harness and benchmarks.
import type { ChildProcess } from 'node:child_process';
import type { Browser, BrowserContext, Page } from 'playwright-core';

export declare const REPO_ROOT: string;
export declare const CHROMIUM_PATH: string;
export declare const CHROMIUM_ARGS: string[];

export interface StartCodeServerOptions {
  workspace?: string;
  root?: string;
  home?: string;
  userDataDir?: string;
  extensionsDir?: string;
  env?: Record<string, string | undefined>;
  port?: number;
  args?: string[];
  /** Keep VS Code's workspace trust on (default off: --disable-workspace-trust). */
  workspaceTrust?: boolean;
  echo?: boolean;
  timeoutMs?: number;
}

export interface CodeServer {
  port: number;
  baseUrl: string;
  root: string;
  home: string;
  userDataDir: string;
  extensionsDir: string;
  workspace: string;
  logFile: string;
  env: Record<string, string | undefined>;
  process: ChildProcess;
  output(): string;
  url(options?: { folder?: string; payload?: [string, string][] }): string;
  remoteUri(absPath: string): string;
  stop(): Promise<void>;
}

export declare function freePort(): Promise<number>;
export declare function spawnGroup(
  command: string,
  args: string[],
  options?: import('node:child_process').SpawnOptions,
): { child: ChildProcess; stop(graceMs?: number): Promise<void> };
export declare function startCodeServer(options?: StartCodeServerOptions): Promise<CodeServer>;
export declare function workbenchUrl(baseUrl: string, options?: { folder?: string; payload?: [string, string][] }): string;
export declare function developmentPayload(
  server: CodeServer,
  options?: { extensionPath?: string; testsPath?: string },
): [string, string][];
export declare function launchBrowser(options?: { headless?: boolean; args?: string[] }): Promise<Browser>;
export declare function openWorkbench(
  browser: Browser,
  url: string,
  options?: { timeoutMs?: number; viewport?: { width: number; height: number } },
): Promise<{ context: BrowserContext; page: Page }>;
export declare function readIfExists(path: string): string | undefined;
export declare function removeDir(path: string): void;
export declare function elapsed(start: number): string;
