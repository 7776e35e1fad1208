/**
 * A small SAML identity provider on the double: a login page that, once signed in (a cookie keeps
 * the IdP session, as a real IdP does), POSTs a signed SAMLResponse to the AWS sign-in URL. The
 * assertion is signed with an RSA key made per run (enveloped XML signature over the Assertion,
 * exclusive c14n, RSA-SHA256, via xml-crypto); STS checks it with `samlSignatureCheck`.
 *
 *   GET  /_double/idp?role=<roleArn>&provider=<providerArn>[&role=…][&acs=<url>][&user=<name>]
 *        login page, or the auto-post when signed in (cookie) or `user` names an existing IdP session
 *   POST /_double/idp  (username, password, role, provider, acs)                 sets the cookie, auto-posts
 */
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { SignedXml } from 'xml-crypto';
import { DOMParser } from '@xmldom/xmldom';
import { AWS_SAML_AUDIENCE, buildSamlAssertion, type SamlCheck } from './saml';
import type { DoubleState } from './state';
import { AwsError, type DoubleRequest, type DoubleResponse } from './types';
import { escapeXml } from './xml';

export interface IdpKeys {
  readonly privateKeyPem: string;
  readonly publicKeyPem: string;
  readonly publicKey: KeyObject;
}

export function createIdpKeys(): IdpKeys {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return {
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    publicKey,
  };
}

const EXC_C14N = 'http://www.w3.org/2001/10/xml-exc-c14n#';

/** Signs the Assertion with id `assertionId` (enveloped signature placed after its Issuer). */
export function signAssertion(xml: string, assertionId: string, keys: IdpKeys): string {
  const sig = new SignedXml({ privateKey: keys.privateKeyPem, canonicalizationAlgorithm: EXC_C14N, signatureAlgorithm: 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256' });
  sig.addReference({
    xpath: `//*[@ID='${assertionId}']`,
    transforms: ['http://www.w3.org/2000/09/xmldsig#enveloped-signature', EXC_C14N],
    digestAlgorithm: 'http://www.w3.org/2001/04/xmlenc#sha256',
  });
  sig.computeSignature(xml, {
    prefix: 'ds',
    location: { reference: `//*[@ID='${assertionId}']/*[local-name(.)='Issuer']`, action: 'after' },
  });
  return sig.getSignedXml();
}

/**
 * True when the assertion carries a signature by `keys` covering the Assertion element; false when it has
 * none; throws when a signature is present but wrong (tampered, other key, not covering the assertion).
 */
export function verifyAssertionSignature(xml: string, keys: IdpKeys): boolean {
  const doc = new DOMParser().parseFromString(xml, 'text/xml');
  const signatures = Array.from(doc.getElementsByTagNameNS('http://www.w3.org/2000/09/xmldsig#', 'Signature'));
  if (signatures.length === 0) return false;
  const assertion = doc.getElementsByTagNameNS('urn:oasis:names:tc:SAML:2.0:assertion', 'Assertion')[0];
  const id = assertion?.getAttribute('ID');
  if (!id) throw new Error('the signed document has no Assertion with an ID');
  const sig = new SignedXml({ publicCert: keys.publicKeyPem });
  sig.loadSignature(signatures[0] as unknown as Node);
  let ok = false;
  try {
    ok = sig.checkSignature(xml);
  } catch (error) {
    throw new Error(`signature check failed: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (!ok) throw new Error('the signature does not match the assertion');
  if (!sig.getReferences().some((r) => r.uri === `#${id}` || r.uri === id)) throw new Error('the signature does not cover the Assertion');
  return true;
}

/** STS's check: a present signature must verify; a missing one is refused when the double requires signing. */
export function samlSignatureCheck(keys: IdpKeys, required: () => boolean): SamlCheck {
  return (claims) => {
    let signed: boolean;
    try {
      signed = verifyAssertionSignature(claims.xml, keys);
    } catch (error) {
      throw new AwsError('InvalidIdentityToken', `Invalid SAML assertion: ${error instanceof Error ? error.message : String(error)}`, 400);
    }
    if (!signed && required()) throw new AwsError('InvalidIdentityToken', 'Invalid SAML assertion: the assertion is not signed.', 400);
  };
}

function html(body: string, headers: Record<string, string> = {}): DoubleResponse {
  return {
    status: 200,
    headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', ...headers },
    body: `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Double IdP</title></head><body>${body}</body></html>`,
  };
}

function all(v: string | string[] | undefined): string[] {
  return v === undefined ? [] : Array.isArray(v) ? v : [v];
}

const COOKIE = 'double_idp_user';

export function createIdpRoutes(state: DoubleState, keys: IdpKeys): Record<string, (req: DoubleRequest) => DoubleResponse> {
  const autoPost = (req: DoubleRequest, user: string, roles: string[], provider: string, acs: string): DoubleResponse => {
    // In the call log (service "idp"), so a test can count browser round trips to the IdP.
    state.record({ time: new Date(state.now()).toISOString(), service: 'idp', action: 'SamlSignIn', accessKeyId: null, status: 200, errorCode: null, requestId: req.requestId });
    const assertion = buildSamlAssertion({
      roles: roles.map((roleArn) => ({ roleArn, principalArn: provider })),
      subject: user,
      roleSessionName: user.replace(/[^\w+=,.@-]/g, '-'),
      issuer: 'http://double-idp.local/metadata',
      recipient: acs,
      nowMs: state.now(),
      sign: (xml, id) => signAssertion(xml, id, keys),
    });
    return html(
      `<p>Signed in as ${escapeXml(user)}. Redirecting to AWS…</p>` +
        `<form id="to-aws" method="post" action="${escapeXml(acs)}"><input type="hidden" name="SAMLResponse" value="${assertion}"><input type="hidden" name="RelayState" value="">` +
        `<noscript><button type="submit">Continue</button></noscript></form><script>document.getElementById('to-aws').submit();</script>`,
      { 'set-cookie': `${COOKIE}=${encodeURIComponent(user)}; Path=/_double/idp; Max-Age=28800; HttpOnly; SameSite=Lax` },
    );
  };
  const cookieUser = (req: DoubleRequest) => {
    const m = new RegExp(`(?:^|;\\s*)${COOKIE}=([^;]+)`).exec(req.headers.cookie ?? '');
    return m ? decodeURIComponent(m[1]) : undefined;
  };
  return {
    'GET idp': (req) => {
      const roles = all(req.query.role);
      const provider = all(req.query.provider)[0] ?? '';
      const acs = all(req.query.acs)[0] ?? AWS_SAML_AUDIENCE;
      if (roles.length === 0 || !provider) return { status: 400, headers: { 'content-type': 'text/plain' }, body: 'idp: role and provider query parameters are required\n' };
      // `user=` stands for an IdP session the browser already has (corporate SSO): no login form.
      const user = cookieUser(req) ?? all(req.query.user)[0];
      if (user) return autoPost(req, user, roles, provider, acs);
      const hidden = [...roles.map((r) => ['role', r]), ['provider', provider], ['acs', acs]]
        .map(([n, v]) => `<input type="hidden" name="${n}" value="${escapeXml(v)}">`)
        .join('');
      return html(
        `<h1>Double IdP sign-in</h1><form method="post" action="/_double/idp">${hidden}` +
          `<label for="username">Username</label> <input id="username" name="username" autocomplete="username"><br>` +
          `<label for="password">Password</label> <input id="password" name="password" type="password" autocomplete="current-password"><br>` +
          `<button type="submit">Sign in</button></form>`,
      );
    },
    'POST idp': (req) => {
      const form = new URLSearchParams(req.body.toString('utf8'));
      const user = (form.get('username') ?? '').trim();
      const roles = form.getAll('role');
      const provider = form.get('provider') ?? '';
      if (!user || !form.get('password')) return html('<p role="alert">Username and password are required.</p>');
      return autoPost(req, user, roles, provider, form.get('acs') ?? AWS_SAML_AUDIENCE);
    },
  };
}
