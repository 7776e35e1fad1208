/** What a launch configuration's env gets from the session, and what it keeps of its own. */
import assert from 'node:assert/strict';
import { dotenvNames, mergeLaunchEnv } from '../../../src/core/launchEnv';

const OURS = { AWS_PROFILE: 'dev', AWS_REGION: 'eu-west-1', AWS_DEFAULT_REGION: 'eu-west-1' };

describe('launch configuration env', () => {
  it('adds the profile and region to a configuration without env, keeping its other variables', () => {
    assert.deepEqual(mergeLaunchEnv(undefined, [], OURS), OURS);
    assert.deepEqual(mergeLaunchEnv({ DEBUG: '1' }, [], OURS), { DEBUG: '1', ...OURS });
  });

  it('a configuration that names any credential variable keeps its own credentials (no profile mixed with its keys)', () => {
    const env = { AWS_ACCESS_KEY_ID: 'AKIAOWN', AWS_SECRET_ACCESS_KEY: 'own' };
    assert.deepEqual(mergeLaunchEnv(env, [], OURS), { ...env, AWS_REGION: 'eu-west-1', AWS_DEFAULT_REGION: 'eu-west-1' });
    assert.deepEqual(mergeLaunchEnv({ AWS_PROFILE: 'prod' }, [], OURS), { AWS_PROFILE: 'prod', AWS_REGION: 'eu-west-1', AWS_DEFAULT_REGION: 'eu-west-1' });
    assert.deepEqual(mergeLaunchEnv({ AWS_PROFILE: null }, [], OURS), { AWS_PROFILE: null, AWS_REGION: 'eu-west-1', AWS_DEFAULT_REGION: 'eu-west-1' }, 'null unsets: it is a choice');
  });

  it('a region variable of the configuration keeps both region variables its own', () => {
    assert.deepEqual(mergeLaunchEnv({ AWS_REGION: 'us-west-2' }, [], OURS), { AWS_REGION: 'us-west-2', AWS_PROFILE: 'dev' });
  });

  it('names from the envFile count as set', () => {
    assert.deepEqual(mergeLaunchEnv(undefined, ['AWS_PROFILE', 'AWS_DEFAULT_REGION'], OURS), undefined);
    assert.deepEqual(mergeLaunchEnv({}, ['AWS_CONTAINER_CREDENTIALS_FULL_URI'], OURS), { AWS_REGION: 'eu-west-1', AWS_DEFAULT_REGION: 'eu-west-1' });
  });

  it('the endpoint variables are one credential group', () => {
    const endpoint = { AWS_CONTAINER_CREDENTIALS_FULL_URI: 'http://127.0.0.1:1/v1/sessions/x', AWS_CONTAINER_AUTHORIZATION_TOKEN: 't', AWS_REGION: 'eu-west-1' };
    assert.deepEqual(mergeLaunchEnv({ AWS_PROFILE: 'mine' }, [], endpoint), { AWS_PROFILE: 'mine', AWS_REGION: 'eu-west-1' });
    assert.deepEqual(mergeLaunchEnv(undefined, [], endpoint), endpoint);
  });

  it('leaves an env of an unknown shape alone', () => {
    assert.equal(mergeLaunchEnv(['AWS_PROFILE=x'], [], OURS), undefined);
    assert.equal(mergeLaunchEnv({ PORT: 8080 }, [], OURS), undefined);
  });

  it('reads the names of a dotenv file', () => {
    assert.deepEqual(dotenvNames('# c\nAWS_PROFILE=x\n\nexport AWS_REGION = "eu"\r\n  KEY.WITH.DOTS=1\n=bad\nnot a line\n'), ['AWS_PROFILE', 'AWS_REGION', 'KEY.WITH.DOTS']);
  });
});
