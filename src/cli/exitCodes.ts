/** Exit codes of the `aws-sessions` CLI (documented in its --help). Its own module: `generate` loads nothing else. */
export const EXIT = {
  ok: 0,
  failed: 1,
  usage: 2,
  noEditor: 3,
  notFound: 4,
  cancelled: 5,
  timeout: 6,
  unsupported: 7,
} as const;
