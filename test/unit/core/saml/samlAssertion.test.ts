import assert from 'node:assert/strict';
import { analyzeSamlResponse, decodeSamlResponse, formatSamlAnalysis, parseRoleValue } from '../../../../src/core/saml/assertion';
import { AWS_SAML_SIGNIN_URLS } from '../../../../src/core/constants';
import { buildSamlAssertion } from '../../../double/saml';
import { createIdpKeys, signAssertion } from '../../../double/idp';

const ROLE = 'arn:aws:iam::111111111111:role/SamlAdmin';
const PROVIDER = 'arn:aws:iam::111111111111:saml-provider/Okta';
const NOW = Date.parse('2026-11-22T10:00:00Z');
const keys = createIdpKeys();
const signed = (over: Partial<Parameters<typeof buildSamlAssertion>[0]> = {}) =>
  buildSamlAssertion({ roles: [{ roleArn: ROLE, principalArn: PROVIDER }], nowMs: NOW, sign: (x, id) => signAssertion(x, id, keys), ...over });
const analyze = (b64: string, extra: { roleArn?: string; providerArn?: string; nowMs?: number } = {}) =>
  analyzeSamlResponse(b64, { nowMs: NOW, signInUrls: AWS_SAML_SIGNIN_URLS, roleArn: ROLE, providerArn: PROVIDER, ...extra });

describe('SAML assertion analysis', () => {
  it('accepts a signed assertion offering the configured pair, and lists what it read', () => {
    const a = analyze(signed({ subject: 'jane@example.com' }));
    assert.deepEqual(a.problems, []);
    assert.equal(a.signed, true);
    assert.equal(a.hasAuthnStatement, true);
    assert.equal(a.subject, 'jane@example.com');
    assert.deepEqual(a.rolePairs, [{ roleArn: ROLE, providerArn: PROVIDER }]);
    assert.match(formatSamlAnalysis(a), /looks valid[\s\S]*SamlAdmin\s+via .*saml-provider\/Okta/);
  });

  it('reads the pair in either order, and refuses values that are not roleArn,providerArn', () => {
    assert.deepEqual(parseRoleValue(`${PROVIDER},${ROLE}`), { roleArn: ROLE, providerArn: PROVIDER });
    assert.deepEqual(parseRoleValue(` ${ROLE} , ${PROVIDER} `), { roleArn: ROLE, providerArn: PROVIDER });
    assert.equal(parseRoleValue(ROLE), undefined);
    assert.equal(parseRoleValue(`${ROLE},${ROLE}`), undefined);
    const a = analyze(signed({ roles: [{ roleArn: `${ROLE};${PROVIDER}`, principalArn: '' } as never] }));
    assert.ok(a.problems.some((p) => /is not "roleArn,providerArn"/.test(p)), a.problems.join('\n'));
  });

  it('names the missing Role attribute', () => {
    const xml = decodeSamlResponse(signed()).replace(/Name="https:\/\/aws\.amazon\.com\/SAML\/Attributes\/Role"/, 'Name="urn:other"');
    const a = analyze(Buffer.from(xml).toString('base64'));
    assert.ok(a.problems.some((p) => /no https:\/\/aws\.amazon\.com\/SAML\/Attributes\/Role attribute/.test(p)));
  });

  it('says when the configured role is not among those offered, listing the offered ones', () => {
    const a = analyze(signed(), { roleArn: 'arn:aws:iam::111111111111:role/Other' });
    assert.equal(a.problems.length, 1);
    assert.match(a.problems[0], /role\/Other .* is not among the roles the IdP offers: .*role\/SamlAdmin/);
  });

  it('checks NotBefore/NotOnOrAfter against the local clock with skew', () => {
    assert.deepEqual(analyze(signed(), { nowMs: NOW + 4 * 60_000 }).problems, [], 'inside validity');
    assert.deepEqual(analyze(signed({ validSeconds: 60 }), { nowMs: NOW + 60_000 + 4 * 60_000 }).problems, [], 'just past, inside skew');
    assert.match(analyze(signed({ validSeconds: 60 }), { nowMs: NOW + 10 * 60_000 }).problems.join(), /has expired: NotOnOrAfter .* sync|check your clock/);
    assert.match(analyze(signed({ notBeforeMs: NOW + 20 * 60_000 })).problems.join(), /not valid yet: NotBefore/);
  });

  it('refuses an Audience or Recipient that is not AWS, and accepts GovCloud and China sign-in URLs', () => {
    assert.match(analyze(signed({ audience: 'https://app.example.com' })).problems.join(), /Audience https:\/\/app\.example\.com is not AWS/);
    assert.match(analyze(signed({ recipient: 'https://app.example.com/acs' })).problems.join(), /Recipient https:\/\/app\.example\.com\/acs is not the AWS sign-in URL/);
    assert.deepEqual(analyze(signed({ recipient: 'https://signin.amazonaws-us-gov.com/saml' })).problems, []);
    assert.deepEqual(analyze(signed({ recipient: 'https://signin.amazonaws.cn/saml', audience: 'urn:amazon:webservices:cn-north-1' })).problems, []);
  });

  it('accepts a regional sign-in endpoint as Recipient and Audience, not a look-alike host', () => {
    assert.deepEqual(analyze(signed({ recipient: 'https://us-east-2.signin.aws.amazon.com/saml', audience: 'https://us-east-2.signin.aws.amazon.com/saml' })).problems, []);
    assert.match(analyze(signed({ recipient: 'https://us-east-2.signin.aws.amazon.com.example.com/saml' })).problems.join(), /Recipient .* is not the AWS sign-in URL/);
    assert.match(analyze(signed({ recipient: 'https://evil.signin.aws.amazon.com/saml' })).problems.join(), /Recipient .* is not the AWS sign-in URL/);
  });

  it('refuses an assertion without AuthnStatement, and an unsigned one', () => {
    assert.match(analyze(signed({ omitAuthnStatement: true })).problems.join(), /no AuthnStatement/);
    const unsigned = analyze(buildSamlAssertion({ roles: [{ roleArn: ROLE, principalArn: PROVIDER }], nowMs: NOW }));
    assert.deepEqual(unsigned.problems, ['the assertion is unsigned: AWS accepts only assertions signed with the key in the provider metadata']);
  });

  it('decodes pasted forms (line breaks, form-encoded) and says when it is not base64 SAML', () => {
    const b64 = signed();
    const wrapped = b64.replace(/(.{76})/g, '$1\n');
    assert.deepEqual(analyze(wrapped).problems, []);
    assert.deepEqual(analyze(`SAMLResponse=${encodeURIComponent(b64)}`).problems, []);
    assert.match(analyze('not base64 at all!').problems[0], /not base64/);
    assert.match(analyze(Buffer.from('<html/>').toString('base64')).problems[0], /not a SAML Response/);
  });
});

describe('SAML assertion read as XML (not by pattern)', () => {
  const PAIR = `${ROLE},${PROVIDER}`;
  const other = 'arn:aws:iam::222222222222:role/Second';
  const otherProvider = 'arn:aws:iam::222222222222:saml-provider/Okta';
  /** A response around `values` (the Role attribute's AttributeValue elements, as written), with prefix `p`. */
  const response = (values: string, options: { p?: string; extra?: string; attrOpen?: string } = {}) => {
    const p = options.p ?? 'saml2';
    return Buffer.from(
      `<?xml version="1.0"?><samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:${p}="urn:oasis:names:tc:SAML:2.0:assertion">` +
        `<${p}:Assertion><${p}:Issuer>http://idp.example/</${p}:Issuer><${p}:Subject><${p}:NameID>jane</${p}:NameID></${p}:Subject>` +
        `<${p}:AttributeStatement>${options.attrOpen ?? `<${p}:Attribute Name="https://aws.amazon.com/SAML/Attributes/Role">`}${values}</${p}:Attribute></${p}:AttributeStatement>` +
        `<${p}:AuthnStatement/></${p}:Assertion>${options.extra ?? ''}</samlp:Response>`,
    ).toString('base64');
  };
  const roles = (b64: string) => analyze(b64, { roleArn: undefined }).rolePairs.map((r) => r.roleArn);

  it('ignores a comment inside a role value', () => {
    assert.deepEqual(roles(response(`<saml2:AttributeValue>${ROLE}<!-- the admin role -->,${PROVIDER}</saml2:AttributeValue>`)), [ROLE]);
  });

  it('reads roles in CDATA sections', () => {
    assert.deepEqual(roles(response(`<saml2:AttributeValue><![CDATA[${PAIR}]]></saml2:AttributeValue><saml2:AttributeValue><![CDATA[${other},${otherProvider}]]></saml2:AttributeValue>`)), [ROLE, other]);
  });

  it('reads any namespace prefix, and an attribute whose other XML attributes hold ">"', () => {
    assert.deepEqual(roles(response(`<asrt:AttributeValue>${PAIR}</asrt:AttributeValue>`, { p: 'asrt' })), [ROLE]);
    const attrOpen = '<saml2:Attribute FriendlyName="role -&gt; account" Note="a>b" Name="https://aws.amazon.com/SAML/Attributes/Role">';
    assert.deepEqual(roles(response(`<saml2:AttributeValue>${PAIR}</saml2:AttributeValue>`, { attrOpen })), [ROLE]);
  });

  it('of two assertions reads the first only', () => {
    const second = `<saml2:Assertion><saml2:AttributeStatement><saml2:Attribute Name="https://aws.amazon.com/SAML/Attributes/Role"><saml2:AttributeValue>${other},${otherProvider}</saml2:AttributeValue></saml2:Attribute></saml2:AttributeStatement></saml2:Assertion>`;
    assert.deepEqual(roles(response(`<saml2:AttributeValue>${PAIR}</saml2:AttributeValue>`, { extra: second })), [ROLE]);
  });

  it('refuses a DOCTYPE (entity expansion) and XML that is not well-formed, with the reason', () => {
    const withDoctype = Buffer.from(`<!DOCTYPE r [<!ENTITY a "${'x'.repeat(10)}">]><samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol">&a;</samlp:Response>`).toString('base64');
    assert.match(analyze(withDoctype).problems.join(), /DOCTYPE/);
    const broken = Buffer.from(`<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol"><a>`).toString('base64');
    assert.match(analyze(broken).problems.join(), /not well-formed XML/);
  });
});
