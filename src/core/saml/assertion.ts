/**
 * Reading a SAMLResponse the way AWS does, to say why it would be refused, in the words of the
 * troubleshooting article "Response did not contain a valid SAML assertion": Role attribute and its
 * `roleArn,providerArn` values, NotBefore/NotOnOrAfter with clock skew, Audience and Recipient,
 * AuthnStatement, signature. The XML is read with a real parser (samlXml.ts); of a response with several
 * assertions, the first is read, as AWS does. The signature is checked for presence only: AWS checks it against the
 * provider's metadata, which the extension does not have.
 */

import { t } from '../l10n';
import { signInEndpoints } from './signInEndpoints';
import { attribute, elements, parseSamlXml, textOf } from './samlXml';

export const ROLE_ATTRIBUTE = 'https://aws.amazon.com/SAML/Attributes/Role';
const XMLDSIG_NS = 'http://www.w3.org/2000/09/xmldsig#';

/** The element children of an element. */
function* elementChildren(e: Element): Iterable<Element> {
  for (let c = e.firstChild; c; c = c.nextSibling) if (c.nodeType === 1) yield c as Element;
}
/** Local clock skew tolerated when checking NotBefore/NotOnOrAfter (AWS allows about 5 minutes). */
export const SAML_CLOCK_SKEW_MS = 5 * 60 * 1000;

export interface RolePair {
  roleArn: string;
  providerArn: string;
}

export interface SamlAnalysis {
  issuer?: string;
  subject?: string;
  /** Well-formed pairs of the Role attribute. */
  rolePairs: RolePair[];
  notBefore?: string;
  notOnOrAfter?: string;
  audiences: string[];
  recipients: string[];
  signed: boolean;
  hasAuthnStatement: boolean;
  /** Each reason AWS would refuse the assertion; empty when it looks acceptable. */
  problems: string[];
}

export interface AnalyzeOptions {
  nowMs: number;
  /** AWS sign-in URLs the Recipient may name. */
  signInUrls: readonly string[];
  /** When given: the pair the session asks for must be offered. */
  roleArn?: string;
  providerArn?: string;
  skewMs?: number;
}

/** The XML inside a base64 SAMLResponse (form-encoded or with line breaks is fine); throws with the reason. */
export function decodeSamlResponse(value: string): string {
  let compact = value.trim();
  if (compact.startsWith('SAMLResponse=')) compact = compact.slice('SAMLResponse='.length);
  if (/%[0-9A-Fa-f]{2}/.test(compact)) {
    try {
      compact = decodeURIComponent(compact.replace(/\+/g, ' '));
    } catch {
      /* not form-encoded after all */
    }
  }
  compact = compact.replace(/\s+/g, '');
  if (compact === '') throw new Error(t('the SAMLResponse is empty'));
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(compact) || compact.length % 4 !== 0) throw new Error(t('the SAMLResponse is not base64 (copy the whole SAMLResponse value the IdP posts)'));
  const xml = Buffer.from(compact, 'base64').toString('utf8').replace(/^\uFEFF/, '').trim();
  if (!xml.startsWith('<') || !/<(?:[\w.-]+:)?(?:Response|Assertion)\b/.test(xml)) throw new Error(t('the decoded SAMLResponse is not a SAML Response or Assertion XML document'));
  return xml;
}

const isRole = (arn: string) => /^arn:[\w-]+:iam::\d{12}:role\/\S+$/.test(arn);
const isProvider = (arn: string) => /^arn:[\w-]+:iam::\d{12}:saml-provider\/\S+$/.test(arn);

/** A Role attribute value as AWS reads it: two ARNs, a role and a SAML provider, in either order. */
export function parseRoleValue(value: string): RolePair | undefined {
  const parts = value.split(',').map((p) => p.trim());
  if (parts.length !== 2) return undefined;
  const [a, b] = parts;
  if (isRole(a) && isProvider(b)) return { roleArn: a, providerArn: b };
  if (isProvider(a) && isRole(b)) return { roleArn: b, providerArn: a };
  return undefined;
}

/** Everything AWS would object to in a decoded assertion. */
export function analyzeSamlXml(xml: string, options: AnalyzeOptions): SamlAnalysis {
  const problems: string[] = [];
  const skew = options.skewMs ?? SAML_CLOCK_SKEW_MS;
  let root: Element;
  try {
    root = parseSamlXml(xml);
  } catch (error) {
    return { rolePairs: [], audiences: [], recipients: [], signed: false, hasAuthnStatement: false, problems: [error instanceof Error ? error.message : String(error)] };
  }
  const assertion = elements(root, 'Assertion')[0] ?? root;

  const roleAttrs = elements(assertion, 'Attribute').filter((a) => attribute(a, 'Name') === ROLE_ATTRIBUTE);
  const values = roleAttrs.flatMap((a) => elements(a, 'AttributeValue').map((v) => textOf(v) ?? ''));
  const rolePairs: RolePair[] = [];
  if (roleAttrs.length === 0) {
    problems.push(t('no {0} attribute: the IdP must send the role(s) you may assume; add that attribute mapping in the IdP\'s AWS application', ROLE_ATTRIBUTE));
  } else if (values.length === 0) {
    problems.push(t('the {0} attribute has no value: assign at least one role to you in the IdP', ROLE_ATTRIBUTE));
  }
  for (const value of values) {
    const pair = parseRoleValue(value);
    if (pair) rolePairs.push(pair);
    else problems.push(t('the Role attribute value "{0}" is not "roleArn,providerArn" (a role ARN and a saml-provider ARN separated by a comma, in either order)', value));
  }
  if (options.roleArn) {
    const offered = rolePairs.some((p) => p.roleArn === options.roleArn && (!options.providerArn || p.providerArn === options.providerArn));
    if (!offered && rolePairs.length > 0) {
      const list = rolePairs.map((p) => `${p.roleArn} (via ${p.providerArn})`).join(', ');
      problems.push(t('the configured role {0}{1} is not among the roles the IdP offers: {2}', options.roleArn, options.providerArn ? t(' with provider {0}', options.providerArn) : '', list));
    }
  }

  const conditions = elements(assertion, 'Conditions')[0];
  const confirmations = elements(assertion, 'SubjectConfirmationData');
  const notBefore = attribute(conditions, 'NotBefore');
  const notOnOrAfterValues = [attribute(conditions, 'NotOnOrAfter'), ...confirmations.map((c) => attribute(c, 'NotOnOrAfter'))].filter(
    (v): v is string => !!v,
  );
  const notOnOrAfter = notOnOrAfterValues.sort((a, b) => Date.parse(a) - Date.parse(b))[0];
  const local = new Date(options.nowMs).toISOString();
  if (notBefore && !Number.isNaN(Date.parse(notBefore)) && Date.parse(notBefore) > options.nowMs + skew) {
    problems.push(t('the assertion is not valid yet: NotBefore {0} is after this computer\'s time {1} by more than the allowed clock skew; sync your clock (or the IdP\'s)', notBefore, local));
  }
  if (notOnOrAfter && !Number.isNaN(Date.parse(notOnOrAfter)) && Date.parse(notOnOrAfter) <= options.nowMs - skew) {
    problems.push(t('the assertion has expired: NotOnOrAfter {0} is before this computer\'s time {1}; sign in again, and check your clock', notOnOrAfter, local));
  }

  const audiences = elements(assertion, 'Audience').map((a) => textOf(a) ?? '');
  const recipients = confirmations.map((c) => attribute(c, 'Recipient')).filter((r): r is string => !!r);
  const signIn = signInEndpoints(options.signInUrls);
  const audienceOk = (a: string) => a.startsWith('urn:amazon:webservices') || signIn.matches(a);
  if (audiences.length > 0 && !audiences.some(audienceOk)) {
    problems.push(t('the Audience {0} is not AWS: it must be urn:amazon:webservices or {1}; fix the AWS application\'s audience in the IdP', audiences.join(', '), options.signInUrls[0]));
  }
  const badRecipient = recipients.find((r) => !signIn.matches(r));
  if (badRecipient) {
    problems.push(t('the Recipient {0} is not the AWS sign-in URL ({1}); fix the ACS/recipient URL of the AWS application in the IdP', badRecipient, options.signInUrls.join(' or ')));
  }
  const hasAuthnStatement = elements(assertion, 'AuthnStatement').length > 0;
  if (!hasAuthnStatement) problems.push(t('no AuthnStatement: the IdP must say how and when you authenticated'));
  const signed = [root, assertion].some((e) => [...elementChildren(e)].some((c) => c.localName === 'Signature' && c.namespaceURI === XMLDSIG_NS));
  if (!signed) problems.push(t('the assertion is unsigned: AWS accepts only assertions signed with the key in the provider metadata'));

  return {
    issuer: textOf(elements(assertion, 'Issuer')[0] ?? elements(root, 'Issuer')[0]),
    subject: textOf(elements(assertion, 'NameID')[0]),
    rolePairs,
    notBefore,
    notOnOrAfter,
    audiences,
    recipients,
    signed,
    hasAuthnStatement,
    problems,
  };
}

/** Decode then analyze; a response that cannot be decoded is one problem. */
export function analyzeSamlResponse(base64: string, options: AnalyzeOptions): SamlAnalysis {
  let xml: string;
  try {
    xml = decodeSamlResponse(base64);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return { rolePairs: [], audiences: [], recipients: [], signed: false, hasAuthnStatement: false, problems: [reason] };
  }
  return analyzeSamlXml(xml, options);
}

/** The analysis as lines for people (the "Inspect SAML assertion" report and the log). */
export function formatSamlAnalysis(a: SamlAnalysis): string {
  const lines = [
    a.problems.length === 0 ? t('The assertion looks valid for AWS.') : a.problems.length > 1 ? t('Response did not contain a valid SAML assertion ({0} problems):', a.problems.length) : t('Response did not contain a valid SAML assertion (1 problem):'),
    ...a.problems.map((p) => `  ✗ ${p}`),
    '',
    `Issuer: ${a.issuer ?? '(none)'}`,
    `Subject: ${a.subject ?? '(none)'}`,
    t('Valid: {0} → {1}', a.notBefore ?? t('(no NotBefore)'), a.notOnOrAfter ?? t('(no NotOnOrAfter)')),
    `Audience: ${a.audiences.join(', ') || '(none)'}`,
    `Recipient: ${a.recipients.join(', ') || '(none)'}`,
    `AuthnStatement: ${a.hasAuthnStatement ? 'present' : 'missing'}`,
    `Signature: ${a.signed ? t('present (AWS checks it against the provider metadata)') : 'missing'}`,
    t('Roles offered ({0}):', a.rolePairs.length),
    ...a.rolePairs.map((p) => `  • ${p.roleArn}  via ${p.providerArn}`),
  ];
  return lines.join('\n');
}
