/** The declared-sessions file: problems named by line, column and key; values checked by the forms' own rules. */
import assert from 'node:assert/strict';
import { declaredFileRefusal, MAX_DECLARED_BYTES, MAX_DECLARED_PROBLEMS, parseDeclaredFile, type DeclaredProblem } from '../../../../src/core/declared/file';
import { describeProblems } from '../../../../src/core/declared/preview';
import { BAD_SHAPES, GOOD } from './examples';

function problems(text: string): DeclaredProblem[] {
  const result = parseDeclaredFile(text);
  assert.equal(result.ok, false, 'the file is refused');
  return result.ok ? [] : result.problems;
}

describe('declared sessions file', () => {
  it('reads a file with comments and a trailing comma', () => {
    const result = parseDeclaredFile(GOOD);
    assert.ok(result.ok, JSON.stringify(!result.ok && result.problems));
    assert.deepEqual(result.file.sessions.map((s) => [s.type, s.alias]), [['chained', 'prod-deploy'], ['sso', 'dev-admin'], ['saml', 'corp']]);
    assert.deepEqual(result.file.expectedAccountIds, { prod: ['222222222222'] });
  });

  for (const bad of BAD_SHAPES) {
    it(`names the key of ${bad.name}`, () => {
      assert.ok(problems(bad.text).some((p) => p.key === bad.key), JSON.stringify(problems(bad.text)));
    });
  }

  it('reports a bad value at the line and column of its key, with the form rule\'s words', () => {
    const text = ['{', '  "sessions": [', '    {', '      "type": "chained", "alias": "a", "profile": "p", "assumer": "b",', '      "roleArn": "arn:aws:iam::12:role/X",', '      "region": "mars-1"', '    }', '  ]', '}'].join('\n');
    const found = problems(text);
    const arn = found.find((p) => p.key === 'sessions[0].roleArn');
    assert.deepEqual(arn && { line: arn.line, column: arn.column }, { line: 5, column: 7 });
    assert.match(arn!.message, /12-digit account/);
    const region = found.find((p) => p.key === 'sessions[0].region');
    assert.equal(region?.line, 6);
    assert.match(region!.message, /not an AWS region/);
    assert.match(describeProblems('.vscode/aws-sessions.json', found)[0], /^\.vscode\/aws-sessions\.json:5:7 sessions\[0\]\.roleArn: /);
  });

  it('reports a missing key at the object that lacks it', () => {
    const found = problems('{\n  "integrations": [\n    { "alias": "a", "region": "eu-west-1" }\n  ]\n}');
    assert.deepEqual(found.map((p) => [p.line, p.column, p.key]), [[3, 5, 'integrations[0].startUrl']]);
  });

  it('reports JSON syntax errors with their position', () => {
    const found = problems('{\n  "sessions": [\n    { "type": }\n  ]\n}');
    assert.equal(found[0].line, 3);
    assert.match(found[0].message, /syntax/);
  });

  it('checks between fields as the form does (the SAML provider in the role\'s account)', () => {
    const text = '{ "sessions": [{ "type": "saml", "alias": "a", "profile": "p", "region": "us-east-1", "idpUrl": "https://idp.example.com/x", "roleArn": "arn:aws:iam::333333333333:role/R", "providerArn": "arn:aws:iam::444444444444:saml-provider/O" }] }';
    assert.deepEqual(problems(text).map((p) => p.key), ['sessions[0].providerArn']);
  });

  it('refuses duplicate aliases, unknown integrations, assumer circles and a reserved profile name', () => {
    const role = (alias: string, assumer: string) => `{ "type": "chained", "alias": "${alias}", "profile": "p", "region": "eu-west-1", "assumer": "${assumer}", "roleArn": "arn:aws:iam::222222222222:role/R" }`;
    const text = `{ "sessions": [${role('a', 'b')}, ${role('b', 'a')}, ${role('A', 'x')},
      { "type": "sso", "alias": "s", "profile": "p", "integration": "nope", "accountId": "111111111111", "roleName": "R" }],
      "expectedAccountIds": { "DEFAULT": ["111111111111"] } }`;
    const keys = problems(text).map((p) => `${p.key}: ${p.message}`);
    assert.ok(keys.some((k) => k.startsWith('sessions[0].assumer: ') && /circle/.test(k)), keys.join('\n'));
    assert.ok(keys.some((k) => k.startsWith('sessions[2].alias: ') && /another session/.test(k)), keys.join('\n'));
    assert.ok(keys.some((k) => k.startsWith('sessions[3].integration: ')), keys.join('\n'));
    assert.ok(keys.some((k) => k.startsWith('expectedAccountIds.DEFAULT: ')), keys.join('\n'));
  });

  it('a hostile file: 20,000 bad entries list 50 problems and count the rest; over 1 MB is refused by its size alone', () => {
    const entries = Array.from({ length: 20_000 }, () => '    1');
    const found = problems(`{\n  "sessions": [\n${entries.join(',\n')}\n  ]\n}`);
    assert.equal(MAX_DECLARED_PROBLEMS, 50);
    assert.equal(found.length, MAX_DECLARED_PROBLEMS + 1);
    assert.deepEqual([found[0].line, found[0].key], [3, 'sessions[0]']);
    assert.match(found[MAX_DECLARED_PROBLEMS].message, /^19950 more problems are not listed; fix the ones above first$/);
    const syntax = problems('{\n'.repeat(5_000));
    assert.ok(syntax.length <= MAX_DECLARED_PROBLEMS + 1, String(syntax.length));

    // Before a byte is read: a committed link to /dev/zero (size 0, read forever) and a file over 1 MB.
    assert.match(JSON.stringify(declaredFileRefusal({ size: 0, regularFile: false })), /it is not a regular file/);
    assert.match(JSON.stringify(declaredFileRefusal({ size: MAX_DECLARED_BYTES + 1, regularFile: true })), /more than the 1048576 bytes a project file may have/);
    assert.equal(declaredFileRefusal({ size: MAX_DECLARED_BYTES, regularFile: true }), undefined);
    const huge = `{ "sessions": [], "$schema": "${'x'.repeat(MAX_DECLARED_BYTES)}" }`;
    assert.deepEqual(problems(huge), [{ line: 1, column: 1, key: '(the whole file)', message: `the file has ${huge.length} bytes, more than the ${MAX_DECLARED_BYTES} bytes a project file may have; it is not read` }]);
  });

  it('keys such as __proto__ and constructor are refused or ignored, and pollute nothing', () => {
    const text = '{ "__proto__": { "polluted": 1 }, "sessions": [{ "__proto__": { "polluted": 2 }, "type": "saml" }], "expectedAccountIds": { "__proto__": ["111111111111"], "constructor": ["111111111111"] } }';
    const found = problems(text);
    assert.ok(found.some((p) => p.key === '__proto__' && /unknown key/.test(p.message)), JSON.stringify(found));
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
    const ok = parseDeclaredFile('{ "expectedAccountIds": { "__proto__": ["111111111111"], "prod": ["222222222222"] } }');
    assert.ok(ok.ok || ok.problems.every((p) => p.key.startsWith('expectedAccountIds')), JSON.stringify(ok));
    if (ok.ok) assert.deepEqual(Object.keys(ok.file.expectedAccountIds), ['prod']);
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });
});
