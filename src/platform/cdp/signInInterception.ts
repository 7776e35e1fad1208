/**
 * Catches the IdP's POST of the SAMLResponse to the AWS sign-in URL inside the browser: every page (and
 * out-of-process frame, and popup) is attached paused, gets Fetch interception for the sign-in URLs
 * only (the listed ones and their regional forms), then runs; the first page is sent to the IdP. A paused request to a sign-in URL is answered by us
 * (a "you can close this window" page) and never reaches AWS; any other paused request goes on unchanged.
 */
import { t } from '../../core/l10n';
import { endpointOf, signInEndpoints } from '../../core/saml/signInEndpoints';
import { CdpClosedError, type CdpEvent, type CdpParams, type CdpPipe } from './pipe';

export interface SignInInterceptionOptions {
  /** The AWS sign-in URLs whose POST is captured. */
  signInUrls: readonly string[];
  /** Where the first page goes once the interception is in place. */
  idpUrl: string;
  /** The HTML answered to the sign-in POST. */
  donePage: string;
  /** Developer log lines (never a request body). */
  onLog?: (line: string) => void;
}

/** The SAMLResponse field of a form-encoded POST body. */
export function samlResponseFromPost(body: string | undefined): string | undefined {
  if (!body) return undefined;
  const value = new URLSearchParams(body).get('SAMLResponse');
  return value ? value.replace(/\s+/g, '') : undefined;
}

/** The body of a paused request: its postDataEntries (base64 bytes), else its postData. */
export function postBodyOf(request: CdpParams): string | undefined {
  const entries = request.postDataEntries;
  if (Array.isArray(entries)) {
    const bytes = entries.flatMap((entry: unknown) => (typeof entry === 'object' && entry !== null && typeof (entry as { bytes?: unknown }).bytes === 'string' ? [Buffer.from((entry as { bytes: string }).bytes, 'base64')] : []));
    if (bytes.length > 0) return Buffer.concat(bytes).toString('utf8');
  }
  return typeof request.postData === 'string' ? request.postData : undefined;
}

const str = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

/**
 * Sets up the interception on a freshly launched browser and resolves with the first SAMLResponse posted
 * to a sign-in URL. Rejects when the IdP page cannot be opened, or with CdpClosedError when the browser
 * goes away first.
 */
export function interceptSignIn(cdp: CdpPipe, options: SignInInterceptionOptions): Promise<string> {
  const endpoints = signInEndpoints(options.signInUrls);
  const patterns = endpoints.fetchPatterns.map((urlPattern) => ({ urlPattern, requestStage: 'Request' }));
  const doneBody = Buffer.from(options.donePage, 'utf8').toString('base64');
  const attached = new Set<string>();
  /** The sessions of the open pages (tabs, popups): when the last one goes, the user closed the window. */
  const pages = new Set<string>();
  let navigated = false;

  return new Promise<string>((resolve, reject) => {
    const fail = (error: unknown) => reject(cdp.closed ? new CdpClosedError('Target.setAutoAttach') : error);
    cdp.onClose(() => reject(new CdpClosedError('Target.setAutoAttach')));

    const prepare = async (sessionId: string, type: string, targetId: string) => {
      if (type === 'page' || type === 'iframe') {
        await cdp.send('Fetch.enable', { patterns }, sessionId);
        await cdp.send('Target.setAutoAttach', { autoAttach: true, waitForDebuggerOnStart: true, flatten: true }, sessionId);
      }
      await cdp.send('Runtime.runIfWaitingForDebugger', {}, sessionId).catch(() => undefined);
      if (type === 'page' && !navigated) {
        navigated = true;
        options.onLog?.(`SAML sign-in: opening the IdP page in target ${targetId}`);
        const result = await cdp.send('Page.navigate', { url: options.idpUrl }, sessionId);
        const errorText = str(result.errorText);
        if (errorText) throw new Error(t('the sign-in page {0} could not be opened ({1})', options.idpUrl, errorText));
      }
    };

    const paused = (params: CdpParams, sessionId: string | undefined) => {
      const requestId = str(params.requestId);
      const request = typeof params.request === 'object' && params.request !== null ? (params.request as CdpParams) : {};
      if (!requestId) return;
      const url = str(request.url) ?? '';
      const endpoint = endpointOf(url);
      if (!endpoint || !endpoints.matches(url)) {
        void cdp.send('Fetch.continueRequest', { requestId }, sessionId).catch(() => undefined);
        return;
      }
      const posted = str(request.method) === 'POST' ? samlResponseFromPost(postBodyOf(request)) : undefined;
      options.onLog?.(`SAML sign-in: ${str(request.method)} to ${endpoint} answered here${posted ? ' (SAMLResponse received)' : ' (no SAMLResponse in it)'}`);
      void cdp
        .send('Fetch.fulfillRequest', { requestId, responseCode: 200, responseHeaders: [{ name: 'Content-Type', value: 'text/html; charset=utf-8' }], body: doneBody }, sessionId)
        .catch(() => undefined);
      if (posted) resolve(posted);
    };

    cdp.onEvent((event: CdpEvent) => {
      if (event.method === 'Target.attachedToTarget') {
        const sessionId = str(event.params.sessionId);
        const info = typeof event.params.targetInfo === 'object' && event.params.targetInfo !== null ? (event.params.targetInfo as CdpParams) : {};
        const targetId = str(info.targetId) ?? '';
        if (!sessionId) return;
        if (attached.has(targetId)) {
          // A second session on a target already prepared: only let it run.
          void cdp.send('Runtime.runIfWaitingForDebugger', {}, sessionId).catch(() => undefined);
          return;
        }
        attached.add(targetId);
        if (info.type === 'page') pages.add(sessionId);
        prepare(sessionId, str(info.type) ?? '', targetId).catch(fail);
      } else if (event.method === 'Target.detachedFromTarget') {
        // macOS keeps the browser running when its last window closes: the last page going ends the sign-in.
        const sessionId = str(event.params.sessionId);
        if (sessionId && pages.delete(sessionId) && pages.size === 0 && navigated) reject(new CdpClosedError('Target.detachedFromTarget'));
      } else if (event.method === 'Fetch.requestPaused') {
        paused(event.params, event.sessionId);
      }
    });

    // Attaches every page there is and every one to come, each paused until its interception is set.
    const attachExisting = async () => {
      await cdp.send('Target.setAutoAttach', { autoAttach: true, waitForDebuggerOnStart: true, flatten: true });
      const { targetInfos } = await cdp.send('Target.getTargets');
      for (const info of Array.isArray(targetInfos) ? (targetInfos as CdpParams[]) : []) {
        const targetId = str(info.targetId);
        if (targetId && info.type === 'page' && !attached.has(targetId)) {
          await cdp.send('Target.attachToTarget', { targetId, flatten: true }).catch(() => undefined);
        }
      }
    };
    attachExisting().catch(fail);
  });
}
