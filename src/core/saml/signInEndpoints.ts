/**
 * The AWS sign-in endpoints an IdP posts a SAMLResponse to: the listed URLs (commercial, GovCloud, China, or
 * the test double's), and the regional form of each AWS one, `https://<region>.signin.aws.amazon.com/saml`,
 * which IdPs set up for a regional sign-in endpoint use. Shared by the browser's interception and the
 * assertion's Recipient check, so what we capture is what we accept.
 */

/** A region code as AWS names them (us-east-1, eu-central-2, us-gov-west-1, cn-north-1, ap-southeast-7). */
const REGION = /^[a-z]{2}(?:-[a-z]+)+-\d{1,2}$/;

/** A URL as the endpoint it reaches: origin and path, no query, fragment or trailing slash. */
export function endpointOf(url: string): string | undefined {
  try {
    const parsed = new URL(url);
    return `${parsed.origin}${parsed.pathname}`.replace(/\/+$/, '');
  } catch {
    return undefined;
  }
}

/** The listed URL a regional form stands for (`https://us-east-2.signin.aws.amazon.com/saml` → the global one). */
function globalFormOf(endpoint: string): string | undefined {
  const parsed = new URL(endpoint);
  const [region, ...rest] = parsed.hostname.split('.');
  if (parsed.protocol !== 'https:' || parsed.port !== '' || !REGION.test(region) || rest[0] !== 'signin') return undefined;
  return `https://${rest.join('.')}${parsed.pathname}`;
}

export interface SignInEndpoints {
  /** Whether the URL reaches one of the sign-in endpoints (query and fragment ignored). */
  matches(url: string): boolean;
  /** Fetch.enable url patterns that cover them all (a pattern may match more: `matches` decides). */
  readonly fetchPatterns: readonly string[];
}

/** A Fetch.enable urlPattern of the endpoint with any suffix ('*' and '?' are wildcards, '\' escapes). */
function patternOf(endpoint: string): string {
  return `${endpoint.replace(/[\\*?]/g, (c) => `\\${c}`)}*`;
}

export function signInEndpoints(signInUrls: readonly string[]): SignInEndpoints {
  const listed = new Set(signInUrls.map(endpointOf).filter((e): e is string => !!e));
  const regional = [...listed].filter((e) => e.startsWith('https://signin.'));
  return {
    matches(url) {
      const endpoint = endpointOf(url);
      if (!endpoint) return false;
      if (listed.has(endpoint)) return true;
      const global = globalFormOf(endpoint);
      return global !== undefined && regional.includes(global);
    },
    fetchPatterns: [...[...listed].map(patternOf), ...regional.map((e) => `https://*.${patternOf(e.slice('https://'.length))}`)],
  };
}
