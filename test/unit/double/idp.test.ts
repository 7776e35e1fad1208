import { strict as assert } from 'node:assert';
import { startLocalAws, verifyAssertionSignature, type LocalAws } from '../../double';

const ROLE = 'arn:aws:iam::111111111111:role/SamlDev';
const PROVIDER = 'arn:aws:iam::111111111111:saml-provider/DoubleIdP';

describe('local AWS double: IdP page', () => {
  let aws: LocalAws;
  before(async () => {
    aws = await startLocalAws({ samlSignatureRequired: true });
  });
  after(() => aws.close());

  const assertionIn = (html: string) => /name="SAMLResponse" value="([^"]+)"/.exec(html)?.[1];

  it('shows a login form; signing in sets a session cookie and auto-posts a signed assertion to the ACS URL', async () => {
    const page = await fetch(aws.idpUrl([ROLE], PROVIDER, 'https://signin.aws.amazon.com/saml'));
    const html = await page.text();
    assert.match(html, /<label for="username">Username<\/label>/);
    assert.equal(assertionIn(html), undefined);
    const form = new URLSearchParams({ username: 'jane', password: 'pw', role: ROLE, provider: PROVIDER, acs: 'https://signin.aws.amazon.com/saml' });
    const signedIn = await fetch(`${aws.endpoint}/_double/idp`, { method: 'POST', body: form, headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    const cookie = signedIn.headers.get('set-cookie') ?? '';
    const out = await signedIn.text();
    assert.match(out, /<form id="to-aws" method="post" action="https:\/\/signin\.aws\.amazon\.com\/saml">/);
    const xml = Buffer.from(assertionIn(out)!, 'base64').toString('utf8');
    assert.equal(verifyAssertionSignature(xml, aws.idpKeys), true);
    assert.match(xml, /<saml2:AuthnStatement/);
    assert.match(cookie, /double_idp_user=jane/);
    const again = await fetch(aws.idpUrl([ROLE], PROVIDER), { headers: { cookie: cookie.split(';')[0] } });
    assert.ok(assertionIn(await again.text()), 'the IdP session skips the form');
  });

  it('refuses a missing password', async () => {
    const form = new URLSearchParams({ username: 'jane', password: '', role: ROLE, provider: PROVIDER });
    const out = await (await fetch(`${aws.endpoint}/_double/idp`, { method: 'POST', body: form })).text();
    assert.match(out, /required/);
    assert.equal(assertionIn(out), undefined);
  });
});
