import assert from 'node:assert/strict';
import { DEFAULT_PROFILE_TEMPLATE, ProfileNamer, renderProfileName, sanitizeProfileName, takenProfileNames, templateProblem } from '../../../../src/core/sso/profileNames';
import { rules } from '../../../../src/core/validation';
import { emptyState } from '../../../../src/core/model';

const values = { accountName: 'Prod Account', accountId: '123456789012', roleName: 'AdministratorAccess', integration: 'acme', region: 'eu-west-1' };

describe('profile names of synced roles', () => {
  it('fills the template; the default is {accountName}-{roleName}', () => {
    assert.equal(renderProfileName(DEFAULT_PROFILE_TEMPLATE, values), 'Prod-Account-AdministratorAccess');
    assert.equal(renderProfileName('{integration}.{accountId}.{roleName}@{region}', values), 'acme.123456789012.AdministratorAccess@eu-west-1');
  });

  it('makes a valid ini profile name of anything: no [ ] = ; # whitespace or newlines, accents dropped, at most 64 characters', () => {
    const hostile = ['a [b] c', 'x=y;z#w', 'line\nbreak\ttab', '  spaced  ', 'Café Société', '[default]', 'DEFAULT', '---', '', '日本', `${'long'.repeat(30)}`];
    for (const raw of hostile) {
      const name = sanitizeProfileName(raw);
      assert.equal(rules.profileName(name), undefined, `${JSON.stringify(raw)} → ${JSON.stringify(name)}`);
      assert.doesNotMatch(name, /[[\]=;#\s]/);
      assert.ok(name.length >= 1 && name.length <= 64, name);
    }
    assert.equal(sanitizeProfileName('a [b] c'), 'a-b-c');
    assert.equal(sanitizeProfileName('Café Société'), 'Cafe-Societe');
    assert.equal(sanitizeProfileName('[default]'), 'default-role', 'never the default profile');
    assert.equal(sanitizeProfileName('日本'), 'role');
  });

  it('refuses a template with an unknown placeholder, or one that cannot tell roles or accounts apart', () => {
    assert.equal(templateProblem(DEFAULT_PROFILE_TEMPLATE), undefined);
    assert.equal(templateProblem('{accountId}-{roleName}'), undefined);
    assert.match(templateProblem('{account}-{roleName}') ?? '', /unknown placeholder \{account\}/);
    assert.match(templateProblem('{accountName}') ?? '', /needs \{roleName\}/);
    assert.match(templateProblem('{roleName}') ?? '', /\{accountName\} or \{accountId\}/);
    assert.match(templateProblem('  ') ?? '', /empty/);
  });

  it('gives a taken name a deterministic suffix: the account id, then a count, comparing without case', () => {
    const namer = new ProfileNamer(['prod-admin', 'default']);
    assert.equal(namer.claim('Prod-Admin', '111111111111'), 'Prod-Admin-111111111111');
    assert.equal(namer.claim('Prod-Admin', '111111111111'), 'Prod-Admin-111111111111-2');
    assert.equal(namer.claim('other', '1'), 'other');
    assert.equal(namer.claim('other', '1'), 'other-1');
    const long = new ProfileNamer(['x'.repeat(64)]).claim('x'.repeat(64), '222222222222');
    assert.equal(long.length, 64);
    assert.ok(long.endsWith('-222222222222'));
  });

  it('counts as taken: the names in the user files and every session profile, except those of the sessions being renamed', () => {
    const state = emptyState('p-default');
    state.profiles.push({ id: 'p1', name: 'mine' }, { id: 'p2', name: 'renamed-away' });
    state.sessions.push(
      { id: 's1', kind: 'iamUser', alias: 'u', profileId: 'p1', region: 'eu-west-1' },
      { id: 's2', kind: 'awsSso', alias: 'r', profileId: 'p2', region: 'eu-west-1', integrationId: 'i', accountId: '1', roleName: 'R' },
    );
    const taken = new Set(takenProfileNames(state, ['foreign', 'renamed-away'], new Set(['s2'])));
    assert.ok(taken.has('foreign') && taken.has('mine') && taken.has('default'));
    assert.ok(!taken.has('renamed-away'), 'a renamed session gives its own name back, even while it is in the files');
  });
});
