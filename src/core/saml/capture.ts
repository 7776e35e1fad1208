/** How the core gets a SAMLResponse: a browser window on the IdP, or a pasted one. Wired by the editor side. */
export interface SamlCaptureRequest {
  sessionAlias: string;
  idpUrl: string;
  /** A rotation: try the persistent browser profile without a window first; show one only if needed. */
  background: boolean;
}

export interface SamlCapture {
  /** The AWS sign-in URLs whose POST is captured (a Recipient must be one of them). */
  readonly signInUrls: readonly string[];
  /** The base64 SAMLResponse the IdP posted to the AWS sign-in URL. Throws CancelledError when the user gives up. */
  capture(request: SamlCaptureRequest): Promise<string>;
}
