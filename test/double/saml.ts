/**
 * SAML assertions for AssumeRoleWithSAML. For now: the assertion must be base64 XML carrying the
 * requested role/provider pair in the `https://aws.amazon.com/SAML/Attributes/Role` attribute, and
 * must not be past NotOnOrAfter. XML signature checks are a later extension (`SamlCheck` hook).
 */
import { createHash } from 'node:crypto';
import { AwsError } from './types';
import { escapeXml, isoSeconds } from './xml';

export const ROLE_ATTRIBUTE = 'https://aws.amazon.com/SAML/Attributes/Role';
export const ROLE_SESSION_NAME_ATTRIBUTE = 'https://aws.amazon.com/SAML/Attributes/RoleSessionName';
export const SESSION_DURATION_ATTRIBUTE = 'https://aws.amazon.com/SAML/Attributes/SessionDuration';
export const AWS_SAML_AUDIENCE = 'https://signin.aws.amazon.com/saml';
const NAMEID_PREFIX = 'urn:oasis:names:tc:SAML:2.0:nameid-format:';

export interface SamlClaims {
  readonly xml: string;
  readonly issuer: string;
  readonly subject: string;
  /** `persistent`, `transient` or the full NameID Format URI, as STS reports it. */
  readonly subjectType: string;
  readonly audience: string;
  readonly roleSessionName: string;
  readonly sessionDurationSeconds: number | null;
  /** Every `role,provider` pair from the Role attribute. */
  readonly rolePairs: readonly { roleArn: string; principalArn: string }[];
}

/** A further check on a decoded assertion (signature validation plugs in here). Throws AwsError. */
export type SamlCheck = (claims: SamlClaims) => void;

function invalid(detail: string): AwsError {
  return new AwsError('InvalidIdentityToken', `Invalid SAML assertion: ${detail}`, 400);
}

function elementText(xml: string, local: string): { attrs: string; text: string } | undefined {
  const m = new RegExp(`<(?:[\\w.-]+:)?${local}\\b([^>]*)>([\\s\\S]*?)</(?:[\\w.-]+:)?${local}>`).exec(xml);
  return m ? { attrs: m[1], text: m[2].trim() } : undefined;
}

function attr(attrs: string, name: string): string | undefined {
  return new RegExp(`\\b${name}="([^"]*)"`).exec(attrs)?.[1];
}

function unescapeXml(v: string): string {
  return v.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, '&');
}

/** Values of the `<Attribute Name="…">` element(s) with the given name. */
export function attributeValues(xml: string, name: string): string[] {
  const out: string[] = [];
  const attrRe = /<(?:[\w.-]+:)?Attribute\b([^>]*)>([\s\S]*?)<\/(?:[\w.-]+:)?Attribute>/g;
  for (const m of xml.matchAll(attrRe)) {
    if (attr(m[1], 'Name') !== name) {
      continue;
    }
    for (const v of m[2].matchAll(/<(?:[\w.-]+:)?AttributeValue\b[^>]*>([\s\S]*?)<\/(?:[\w.-]+:)?AttributeValue>/g)) {
      out.push(unescapeXml(v[1].trim()));
    }
  }
  return out;
}

export function decodeAssertion(base64: string): string {
  const compact = base64.replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(compact) || compact.length % 4 !== 0) {
    throw invalid('not base64');
  }
  const xml = Buffer.from(compact, 'base64').toString('utf8').replace(/^\uFEFF/, '').trim();
  if (!xml.startsWith('<') || !/<(?:[\w.-]+:)?(Response|Assertion)\b/.test(xml)) {
    throw invalid('not a SAML Response or Assertion XML document');
  }
  return xml;
}

export function parseClaims(xml: string): SamlClaims {
  const nameId = elementText(xml, 'NameID');
  const format = nameId ? attr(nameId.attrs, 'Format') : undefined;
  const pairs = attributeValues(xml, ROLE_ATTRIBUTE).map((v) => {
    const [a, b] = v.split(',').map((s) => s.trim());
    // The pair may come in either order; the provider is the `saml-provider/` one.
    return b !== undefined && a.includes(':saml-provider/') ? { roleArn: b, principalArn: a } : { roleArn: a, principalArn: b ?? '' };
  });
  const duration = attributeValues(xml, SESSION_DURATION_ATTRIBUTE)[0];
  const subject = nameId ? unescapeXml(nameId.text) : '';
  const confirmation = /<(?:[\w.-]+:)?SubjectConfirmationData\b([^>]*)>?/.exec(xml);
  return {
    xml,
    issuer: unescapeXml(elementText(xml, 'Issuer')?.text ?? ''),
    subject,
    subjectType: format?.startsWith(NAMEID_PREFIX) ? format.slice(NAMEID_PREFIX.length) : (format ?? 'unspecified'),
    audience: (confirmation && attr(confirmation[1], 'Recipient')) ?? AWS_SAML_AUDIENCE,
    roleSessionName: attributeValues(xml, ROLE_SESSION_NAME_ATTRIBUTE)[0] ?? subject,
    sessionDurationSeconds: duration !== undefined && /^\d+$/.test(duration) ? Number(duration) : null,
    rolePairs: pairs,
  };
}

/** Latest NotOnOrAfter in the assertion (Conditions / SubjectConfirmationData), if any. */
function notOnOrAfter(xml: string): number | undefined {
  const times = [...xml.matchAll(/\bNotOnOrAfter="([^"]+)"/g)].map((m) => Date.parse(m[1])).filter((t) => !Number.isNaN(t));
  return times.length > 0 ? Math.min(...times) : undefined;
}

export interface SamlRequest {
  readonly assertion: string;
  readonly roleArn: string;
  readonly principalArn: string;
  readonly nowMs: number;
}

/** Decodes and validates an assertion for one role/provider pair; returns its claims. */
export function validateSamlAssertion(req: SamlRequest, checks: readonly SamlCheck[] = []): SamlClaims {
  const claims = parseClaims(decodeAssertion(req.assertion));
  const expiry = notOnOrAfter(claims.xml);
  if (expiry !== undefined && expiry <= req.nowMs) {
    throw new AwsError('ExpiredTokenException', 'Token is expired.', 400);
  }
  if (!claims.rolePairs.some((p) => p.roleArn === req.roleArn && p.principalArn === req.principalArn)) {
    throw new AwsError('AccessDenied', 'Not authorized to perform sts:AssumeRoleWithSAML', 403);
  }
  if (!/^[\w+=,.@-]{2,64}$/.test(claims.roleSessionName)) {
    throw invalid('RoleSessionName attribute missing or not 2-64 characters of [\\w+=,.@-]');
  }
  for (const check of checks) {
    check(claims);
  }
  return claims;
}

/** NameQualifier as STS computes it: base64(SHA1(Issuer + AccountId + "/" + providerName)). */
export function nameQualifier(issuer: string, accountId: string, providerName: string): string {
  return createHash('sha1').update(`${issuer}${accountId}/${providerName}`).digest('base64');
}

export interface BuildAssertionOptions {
  readonly roles: readonly { roleArn: string; principalArn: string }[];
  readonly subject?: string;
  readonly issuer?: string;
  readonly roleSessionName?: string;
  readonly sessionDurationSeconds?: number;
  readonly nowMs?: number;
  readonly validSeconds?: number;
  /** SubjectConfirmationData Recipient (default the AWS sign-in URL). */
  readonly recipient?: string;
  /** Audience (default urn:amazon:webservices). */
  readonly audience?: string;
  /** NotBefore (default one minute before now). */
  readonly notBeforeMs?: number;
  /** Leave out the AuthnStatement (an IdP misconfiguration AWS refuses). */
  readonly omitAuthnStatement?: boolean;
  /** Signs the Assertion element (enveloped XML signature); see idp.ts. */
  readonly sign?: (xml: string, assertionId: string) => string;
}

/** An (unsigned) SAML Response like an IdP posts to AWS, base64-encoded. For tests and the demo. */
export function buildSamlAssertion(opts: BuildAssertionOptions): string {
  const now = opts.nowMs ?? Date.now();
  const until = isoSeconds(now + (opts.validSeconds ?? 300) * 1000);
  const subject = opts.subject ?? 'user@example.com';
  const value = (v: string): string => `<saml2:AttributeValue>${escapeXml(v)}</saml2:AttributeValue>`;
  const attribute = (name: string, values: string[]): string =>
    `<saml2:Attribute Name="${name}">${values.map(value).join('')}</saml2:Attribute>`;
  const attrs = [
    attribute(ROLE_ATTRIBUTE, opts.roles.map((r) => `${r.roleArn},${r.principalArn}`)),
    attribute(ROLE_SESSION_NAME_ATTRIBUTE, [opts.roleSessionName ?? subject]),
    ...(opts.sessionDurationSeconds ? [attribute(SESSION_DURATION_ATTRIBUTE, [String(opts.sessionDurationSeconds)])] : []),
  ];
  const issuer = escapeXml(opts.issuer ?? 'http://idp.example.com/metadata');
  const recipient = escapeXml(opts.recipient ?? AWS_SAML_AUDIENCE);
  const assertionId = `_a${createHash('sha1').update(`${now}${Math.random()}`).digest('hex')}`;
  const authn = opts.omitAuthnStatement
    ? ''
    : `<saml2:AuthnStatement AuthnInstant="${isoSeconds(now)}" SessionIndex="${assertionId}"><saml2:AuthnContext>` +
      `<saml2:AuthnContextClassRef>urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport</saml2:AuthnContextClassRef></saml2:AuthnContext></saml2:AuthnStatement>`;
  let xml =
    `<?xml version="1.0" encoding="UTF-8"?>` +
    `<saml2p:Response xmlns:saml2p="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml2="urn:oasis:names:tc:SAML:2.0:assertion" ` +
    `Destination="${AWS_SAML_AUDIENCE}" IssueInstant="${isoSeconds(now)}" Version="2.0">` +
    `<saml2:Issuer>${issuer}</saml2:Issuer>` +
    `<saml2:Assertion ID="${assertionId}" IssueInstant="${isoSeconds(now)}" Version="2.0"><saml2:Issuer>${issuer}</saml2:Issuer>` +
    `<saml2:Subject><saml2:NameID Format="${NAMEID_PREFIX}persistent">${escapeXml(subject)}</saml2:NameID>` +
    `<saml2:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer">` +
    `<saml2:SubjectConfirmationData NotOnOrAfter="${until}" Recipient="${recipient}"/></saml2:SubjectConfirmation></saml2:Subject>` +
    `<saml2:Conditions NotBefore="${isoSeconds(opts.notBeforeMs ?? now - 60_000)}" NotOnOrAfter="${until}">` +
    `<saml2:AudienceRestriction><saml2:Audience>${escapeXml(opts.audience ?? 'urn:amazon:webservices')}</saml2:Audience></saml2:AudienceRestriction></saml2:Conditions>` +
    `${authn}<saml2:AttributeStatement>${attrs.join('')}</saml2:AttributeStatement></saml2:Assertion></saml2p:Response>`;
  if (opts.sign) xml = opts.sign(xml, assertionId);
  return Buffer.from(xml, 'utf8').toString('base64');
}
