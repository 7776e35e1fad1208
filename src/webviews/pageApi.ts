/** The page side of a webview (runs in the webview): the one channel to the host, typed by the page's protocol. */

declare function acquireVsCodeApi(): { postMessage(message: unknown): void };

/** `post` sends a message of the page's protocol to the host. Call once per page (VS Code allows one acquire). */
export function connect<PageToHost>(): (message: PageToHost) => void {
  const api = acquireVsCodeApi();
  return (message) => api.postMessage(message);
}
