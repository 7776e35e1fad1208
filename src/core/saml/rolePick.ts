/**
 * Sessions for the other roles one SAML sign-in offers: which Role/Provider pairs of an IdP sign-in URL
 * have no session yet, and the form values of a new IAM Role Federated session for each (alias and a
 * profile of its own, unique among the sessions and the user's AWS files; the region of the session the
 * user started from).
 */
import type { FormValues } from '../validation';
import type { IamRoleFederatedSession, PersistedState, Session } from '../model';
import { ProfileNamer, sanitizeProfileName, takenProfileNames } from '../sso/profileNames';
import type { RolePair } from './assertion';

const accountOf = (arn: string) => /^arn:[\w-]+:iam::(\d{12}):/.exec(arn)?.[1] ?? '';
const roleNameOf = (arn: string) => arn.slice(arn.lastIndexOf('/') + 1);
const sameUrl = (a: string, b: string) => a.trim().replace(/\/+$/, '') === b.trim().replace(/\/+$/, '');

/** The offered pairs no federated session of this sign-in URL uses yet, in the IdP's order. */
export function rolesWithoutSession(offered: readonly RolePair[], sessions: readonly Session[], idpUrl: string): RolePair[] {
  const federated = sessions.filter((s): s is IamRoleFederatedSession => s.kind === 'iamRoleFederated');
  const used = new Set(federated.filter((s) => sameUrl(s.idpUrl, idpUrl)).map((s) => `${s.roleArn}|${s.samlProviderArn}`));
  return offered.filter((p) => !used.has(`${p.roleArn}|${p.providerArn}`));
}

/** A short label for a pair: `SamlDev · 111111111111`. */
export const rolePairLabel = (pair: RolePair) => `${roleNameOf(pair.roleArn)} · ${accountOf(pair.roleArn)}`;

/** Form values of a new federated session for each pair (validated by the session form's rules on save). */
export function federatedSessionValues(pairs: readonly RolePair[], state: PersistedState, namesInFiles: readonly string[], idpUrl: string, region: string): FormValues[] {
  const namer = new ProfileNamer(takenProfileNames(state, namesInFiles));
  const aliases = new Set(state.sessions.map((s) => s.alias.toLowerCase()));
  return pairs.map((pair) => {
    const account = accountOf(pair.roleArn);
    const role = roleNameOf(pair.roleArn);
    let alias = `${role} (${account})`;
    for (let n = 2; aliases.has(alias.toLowerCase()); n++) alias = `${role} (${account}) ${n}`;
    aliases.add(alias.toLowerCase());
    const profile = namer.claim(sanitizeProfileName(`${account}-${role}`), account);
    return { alias, profile, region, roleArn: pair.roleArn, idpUrl, samlProviderArn: pair.providerArn };
  });
}
