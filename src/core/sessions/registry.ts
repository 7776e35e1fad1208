/** The session types the extension knows. Register a new type here. */
import type { Session, SessionKind } from '../model';
import { iamUserType } from './iamUser';
import { awsSsoType } from './awsSso';
import { iamRoleChainedType } from './iamRoleChained';
import { iamRoleFederatedType } from './iamRoleFederated';
import type { SessionTypeModule } from './sessionType';
import { t } from '../l10n';

const modules: ReadonlyArray<SessionTypeModule<Session>> = [
  iamUserType as SessionTypeModule<Session>,
  iamRoleChainedType as SessionTypeModule<Session>,
  iamRoleFederatedType as SessionTypeModule<Session>,
  awsSsoType as SessionTypeModule<Session>,
];

const byKind = new Map<SessionKind, SessionTypeModule<Session>>(modules.map((m) => [m.kind, m]));

export function sessionTypes(): ReadonlyArray<SessionTypeModule<Session>> {
  return modules;
}

export function sessionType(kind: SessionKind): SessionTypeModule<Session> {
  const module = byKind.get(kind);
  if (!module) throw new Error(t('Unknown session type "{0}"', kind));
  return module;
}

export function isSessionKind(value: string): value is SessionKind {
  return byKind.has(value as SessionKind);
}
