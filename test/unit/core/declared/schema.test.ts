/** The contributed JSON schema (what the editor completes and checks) and the core's check agree on what a file may be. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { parse } from 'jsonc-parser';
import { parseDeclaredFile } from '../../../../src/core/declared/file';
import { BAD_SHAPES, GOOD } from './examples';

const root = join(__dirname, '..', '..', '..', '..');
const schema = JSON.parse(readFileSync(join(root, 'schemas', 'aws-sessions.schema.json'), 'utf8')) as object;
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { contributes: { jsonValidation?: Array<{ fileMatch: string; url: string }> } };

const role = (extra: string) => `{ "sessions": [{ "type": "chained", "alias": "a", "profile": "p", "region": "eu-west-1", "assumer": "b", "roleArn": "arn:aws:iam::222222222222:role/R"${extra} }] }`;

/** Files both refuse for a value (the core also names its key; see file.test.ts). */
const BAD_VALUES = [
  role(', "durationSeconds": 100'),
  role(', "durationSeconds": 50000'),
  role(', "durationSeconds": 3600.5'),
  '{ "sessions": [{ "type": "chained", "alias": "a", "profile": "p", "region": "eu-west-1", "assumer": "b", "roleArn": "arn:aws:iam::12:role/R" }] }',
  '{ "sessions": [{ "type": "saml", "alias": "a", "profile": "p", "region": "eu-west-1", "idpUrl": "https://idp.example.com/x", "roleArn": "arn:aws:iam::333333333333:role/R", "providerArn": "arn:aws:iam::333333333333:role/NotAProvider" }] }',
  '{ "sessions": [{ "type": "sso", "alias": "a", "profile": "p", "integration": "i", "accountId": "111111111111", "roleName": "has space" }], "integrations": [{ "alias": "i", "startUrl": "https://d-1.awsapps.com/start", "region": "eu-west-1" }] }',
  '{ "sessions": [{ "type": "saml", "alias": "", "profile": "p", "region": "eu-west-1", "idpUrl": "https://idp.example.com/x", "roleArn": "arn:aws:iam::333333333333:role/R", "providerArn": "arn:aws:iam::333333333333:saml-provider/O" }] }',
];

const GOOD_FILES = [GOOD, '{}', '{ "sessions": [] }', role(''), role(', "durationSeconds": 43200, "externalId": "x-1", "roleSessionName": "me", "sourceIdentity": "me"')];

describe('declared sessions JSON schema', () => {
  const validate = new Ajv({ strict: false, validateFormats: false, allErrors: true }).compile(schema);

  it('is contributed for .vscode/aws-sessions.json', () => {
    assert.deepEqual(manifest.contributes.jsonValidation, [{ fileMatch: '.vscode/aws-sessions.json', url: './schemas/aws-sessions.schema.json' }]);
  });

  for (const [i, text] of GOOD_FILES.entries()) {
    it(`accepts good file ${i + 1}, as the core does`, () => {
      assert.equal(validate(parse(text)), true, JSON.stringify(validate.errors));
      assert.equal(parseDeclaredFile(text).ok, true);
    });
  }

  for (const bad of BAD_SHAPES) {
    it(`refuses ${bad.name}, as the core does`, () => {
      assert.equal(validate(parse(bad.text)), false);
      assert.equal(parseDeclaredFile(bad.text).ok, false);
    });
  }

  for (const [i, text] of BAD_VALUES.entries()) {
    it(`refuses bad value ${i + 1}, as the core does`, () => {
      assert.equal(validate(parse(text)), false);
      assert.equal(parseDeclaredFile(text).ok, false);
    });
  }
});
