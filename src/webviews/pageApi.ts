/** The page side of a webview (runs in the webview): the one channel to the host, typed by the page's protocol. */

declare function acquireVsCodeApi(): { postMessage(message: unknown): void; getState(): unknown; setState(state: unknown): void };

export interface PageApi<PageToHost> {
  /** Sends a message of the page's protocol to the host. */
  post(message: PageToHost): void;
  /**
   * What the page kept with `keep` (VS Code holds it while the panel is hidden; never a secret), unchecked:
   * the page parses it like any input.
   */
  kept(): unknown;
  keep(state: unknown): void;
}

/** The page's channel to the host and its kept state. Call once per page (VS Code allows one acquire). */
export function connectPage<PageToHost>(): PageApi<PageToHost> {
  const api = acquireVsCodeApi();
  return { post: (message) => api.postMessage(message), kept: () => api.getState(), keep: (state) => api.setState(state) };
}

/** `post` sends a message of the page's protocol to the host (a page that keeps no state). */
export function connect<PageToHost>(): (message: PageToHost) => void {
  return connectPage<PageToHost>().post;
}
