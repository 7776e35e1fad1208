/** Declared-sessions files shared by the parser, plan and schema tests. */
export const PORTAL = 'https://d-1234567890.awsapps.com/start';

export const GOOD = `{
  // what the team needs
  "$schema": "./aws-sessions.schema.json",
  "integrations": [{ "alias": "acme", "startUrl": "${PORTAL}", "region": "eu-west-1" }],
  "sessions": [
    { "type": "chained", "alias": "prod-deploy", "assumer": "dev-admin", "roleArn": "arn:aws:iam::222222222222:role/Deploy", "externalId": "team-x", "durationSeconds": 3600, "profile": "prod", "region": "eu-west-1" },
    { "type": "sso", "alias": "dev-admin", "integration": "acme", "accountId": "111111111111", "roleName": "AdministratorAccess", "profile": "dev" },
    { "type": "saml", "alias": "corp", "idpUrl": "https://idp.example.com/app/amazon_aws/sso/saml", "roleArn": "arn:aws:iam::333333333333:role/Reader", "providerArn": "arn:aws:iam::333333333333:saml-provider/Okta", "profile": "corp", "region": "us-east-1" }
  ],
  "expectedAccountIds": { "prod": ["222222222222"] },
}`;

/** Files both the JSON schema and the core refuse for their shape, each with the key the core names. */
export const BAD_SHAPES: Array<{ name: string; text: string; key: string }> = [
  { name: 'an unknown top-level key', text: '{ "session": [] }', key: 'session' },
  { name: 'an unknown session key', text: '{ "sessions": [{ "type": "saml", "alias": "a", "profile": "p", "idpUrl": "https://x", "roleArn": "r", "providerArn": "p", "secretAccessKey": "x" }] }', key: 'sessions[0].secretAccessKey' },
  { name: 'an unknown session type', text: '{ "sessions": [{ "type": "iamUser", "alias": "a", "profile": "p" }] }', key: 'sessions[0].type' },
  { name: 'a missing role ARN', text: '{ "sessions": [{ "type": "chained", "alias": "a", "profile": "p", "assumer": "b" }] }', key: 'sessions[0].roleArn' },
  { name: 'a duration as text', text: '{ "sessions": [{ "type": "chained", "alias": "a", "profile": "p", "assumer": "b", "roleArn": "r", "durationSeconds": "3600" }] }', key: 'sessions[0].durationSeconds' },
  { name: 'a short account id', text: '{ "sessions": [{ "type": "sso", "alias": "a", "profile": "p", "integration": "i", "accountId": "1234", "roleName": "R" }] }', key: 'sessions[0].accountId' },
  { name: 'an expected account that is no account id', text: '{ "expectedAccountIds": { "prod": ["prod"] } }', key: 'expectedAccountIds.prod[0]' },
  { name: 'an integration without a start URL', text: '{ "integrations": [{ "alias": "a", "region": "eu-west-1" }] }', key: 'integrations[0].startUrl' },
  { name: 'sessions that are not a list', text: '{ "sessions": {} }', key: 'sessions' },
];
