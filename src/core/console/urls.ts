/**
 * URLs of web console sign-in, per partition: the federation (sign-in) endpoint, its logout, and the
 * console a sign-in lands on. Tests and private endpoints override the hosts (EnvOverrides).
 */
import { partitionOfRegion, type Partition } from '../regions';

export interface ConsoleHosts {
  /** Base URL of the sign-in endpoint, e.g. https://signin.aws.amazon.com (no trailing slash). */
  signin: string;
  /** Base URL of the console for a region, e.g. https://eu-west-1.console.aws.amazon.com. */
  console: string;
}

/** Overrides of the real AWS hosts (base URLs); empty or absent: AWS's. */
export interface ConsoleHostOverrides {
  federationEndpoint?: string;
  consoleEndpoint?: string;
}

const SIGNIN: Record<Partition, string> = {
  aws: 'https://signin.aws.amazon.com',
  'aws-us-gov': 'https://signin.amazonaws-us-gov.com',
  'aws-cn': 'https://signin.amazonaws.cn',
};

function consoleBase(partition: Partition, region: string): string {
  switch (partition) {
    case 'aws':
      return `https://${region}.console.aws.amazon.com`;
    case 'aws-us-gov':
      return 'https://console.amazonaws-us-gov.com';
    case 'aws-cn':
      return 'https://console.amazonaws.cn';
  }
}

const trimSlash = (u: string) => u.trim().replace(/\/+$/, '');

export function consoleHosts(region: string, overrides: ConsoleHostOverrides = {}): ConsoleHosts {
  const partition = partitionOfRegion(region);
  return {
    signin: overrides.federationEndpoint?.trim() ? trimSlash(overrides.federationEndpoint) : SIGNIN[partition],
    console: overrides.consoleEndpoint?.trim() ? trimSlash(overrides.consoleEndpoint) : consoleBase(partition, region),
  };
}

/** Where the sign-in lands: the console home of the session's region. */
export function consoleDestination(hosts: ConsoleHosts, region: string): string {
  return `${hosts.console}/console/home?region=${encodeURIComponent(region)}`;
}

/** The credentials as the federation endpoint takes them (JSON in the `Session` parameter). */
export interface FederationSession {
  sessionId: string;
  sessionKey: string;
  sessionToken: string;
}

/**
 * The getSigninToken request. It carries the temporary credentials: never log it, never show it.
 * `sessionDurationSeconds` is omitted where AWS refuses it (role chaining, federation tokens).
 */
export function signinTokenUrl(hosts: ConsoleHosts, session: FederationSession, sessionDurationSeconds?: number): string {
  const q = new URLSearchParams({ Action: 'getSigninToken' });
  if (sessionDurationSeconds !== undefined) q.set('SessionDuration', String(sessionDurationSeconds));
  q.set('Session', JSON.stringify({ sessionId: session.sessionId, sessionKey: session.sessionKey, sessionToken: session.sessionToken }));
  return `${hosts.signin}/federation?${q.toString()}`;
}

/** The sign-in URL (valid 15 minutes, once): holds a sign-in token, never the credentials. */
export function loginUrl(hosts: ConsoleHosts, signinToken: string, destination: string, issuer = 'aws-sessions'): string {
  const q = new URLSearchParams({ Action: 'login', Issuer: issuer, Destination: destination, SigninToken: signinToken });
  return `${hosts.signin}/federation?${q.toString()}`;
}

/** Signs out of the console session the browser has, then follows on to `next` (the login URL). */
export function logoutThenUrl(hosts: ConsoleHosts, next: string): string {
  const q = new URLSearchParams({ Action: 'logout', redirect_uri: next });
  return `${hosts.signin}/oauth?${q.toString()}`;
}
