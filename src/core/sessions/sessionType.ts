/**
 * One interface for every session type. Adding a type means adding a module and registering it
 * in registry.ts, not editing switches across files.
 */
import type { AwsCredentials, AwsSsoSession, PersistedState, Session, SessionKind } from '../model';
import type { Clock, Logger, Prompter, SecretVault } from '../ports';
import type { StsGateway } from '../aws/sts';
import type { FieldProblem } from '../errors';
import type { FieldSpec, FormValues } from '../validation';
import type { SecretPurpose } from '../constants';
import type { SamlCapture } from '../saml/capture';
import { l10nText, t } from '../l10n';

export type { FieldSpec, FormValues } from '../validation';

/** The fields most session forms start with (the alias placeholder is the type's example). */
export function aliasField(placeholder: string): FieldSpec {
  return { name: 'alias', label: l10nText('Session alias'), kind: 'text', required: true, placeholder, rule: 'alias' };
}
export const PROFILE_FIELD: FieldSpec = { name: 'profile', label: l10nText('Named profile'), kind: 'profile', required: true, placeholder: 'default', rule: 'profileName' };
export const REGION_FIELD: FieldSpec = { name: 'region', label: l10nText('Region'), kind: 'region', required: true, rule: 'region' };
export const ROLE_ARN_FIELD: FieldSpec = { name: 'roleArn', label: l10nText('Role ARN'), kind: 'text', required: true, placeholder: 'arn:aws:iam::123456789012:role/Admin', rule: 'roleArn' };

/** Appended to every session form: how the credentials reach the AWS CLI and SDKs. */
export const DELIVERY_FIELD: FieldSpec = {
  name: 'deliveryMode',
  label: l10nText('Credential delivery'),
  problemLabel: 'Delivery',
  kind: 'choice',
  required: true,
  options: [
    { value: 'default', label: l10nText('Default (the awsSessions.deliveryMode setting)') },
    { value: 'credentialsFile', label: l10nText('Credentials file: temporary keys in ~/.aws/credentials') },
    { value: 'credentialProcess', label: l10nText('credential_process: no credentials in any file') },
  ],
  help: l10nText('credential_process makes the AWS CLI and SDKs ask VS Code for credentials whenever they need them.'),
  rule: 'deliveryMode',
};

/** Role credentials of integration-derived sessions (IAM Identity Center). */
export interface SsoCredentialsSource {
  /** `cache`: where role credentials are cached (the context's vault, so a dry run neither reads nor keeps them). */
  roleCredentials(session: AwsSsoSession, options?: { minValidityMs?: number; background?: boolean; cache?: SecretVault }): Promise<AwsCredentials>;
}

export interface GenerateContext {
  sso?: SsoCredentialsSource;
  secrets: SecretVault;
  sts: StsGateway;
  prompter: Prompter;
  clock: Clock;
  logger: Logger;
  /** Credentials of another session (an assumer), shared with concurrent callers: one MFA prompt. */
  credentialsOf(sessionId: string): Promise<AwsCredentials>;
  /** Drop what is cached for another session (AWS refused its credentials), so credentialsOf asks afresh. */
  forgetCredentialsOf?(sessionId: string): Promise<void>;
  /** Gets a SAMLResponse from the IdP (browser window or pasted); absent where no UI exists. */
  saml?: SamlCapture;
  /** Cached credentials are reused only while valid this much longer (rotation asks for fresh ones). */
  minValidityMs?: number;
  /** Set by a rotation: a browser sign-in may first try without showing a window. */
  background?: boolean;
}

/** What saving a form produces: the session to persist and the secrets to store (by purpose). */
export interface SaveResult<S extends Session> {
  session: S;
  secrets: Partial<Record<SecretPurpose, string>>;
}

/** Where sessions of a type come from: the user's form, or an integration's sync (which adds and removes them). */
export type SessionOrigin = 'user' | 'integration';

export interface SessionTypeModule<S extends Session = Session> {
  readonly kind: SessionKind;
  /** Shown in the tree group and the form title, e.g. "IAM User". */
  readonly label: string;
  /** Codicon id of the type's group in the tree, e.g. 'person'. */
  readonly icon: string;
  /** 'user': created with the form or the CLI; 'integration': only a sync creates them. */
  readonly origin: SessionOrigin;
  /** The form's fields, each checked by its spec (validation.ts validateForm) before `crossCheck` and `fromForm`. */
  readonly fields: readonly FieldSpec[];
  /** Secret purposes this type stores; each is also the name of its (secret) form field. */
  readonly secretFields: readonly SecretPurpose[];
  /**
   * Checks between fields (e.g. the role and the region in one partition), given the trimmed values and
   * the fields whose own rule failed (skip checks on those). Absent: no such checks.
   */
  crossCheck?(values: FormValues, base: { id: string }, failed: ReadonlySet<string>): FieldProblem[];
  /**
   * The session from valid, trimmed form values (secrets are not part of it). `existing` is set when
   * editing. May throw a UserFacingError (e.g. a type that only a sync creates).
   */
  fromForm(values: FormValues, base: { id: string; profileId: string }, existing: S | undefined): S;
  /** Form values of a stored session (never secrets). */
  toForm(session: S): FormValues;
  /** Get fresh or cached credentials for this session. */
  generate(session: S, ctx: GenerateContext): Promise<AwsCredentials>;
  /**
   * Checks against the other sessions, at save (e.g. a limit that depends on the assumer's type).
   * `userCredentials(id)`: whether that session's credentials are an IAM user's (not role chaining).
   */
  relatedProblems?(session: S, others: { find(id: string): Session | undefined; userCredentials(id: string): boolean }): FieldProblem[];
  /** The session whose credentials this one needs (chained roles), checked for cycles and existence. */
  dependsOn?(session: S): string | undefined;
  /** What the tree, tooltips, filter and copy actions show of a session (optional facts). */
  describe?(session: S, state: PersistedState): SessionDescription;
  /** Extra tooltip lines, e.g. "MFA device: arn:…" or "Assumer: dev": made when a tooltip shows, not for every row of the tree. */
  details?(session: S, state: PersistedState): string[];
  /** Folders the grouped tree shows even with no session in them (an integration not synced yet, to log in). */
  emptyTreePaths?(state: PersistedState): TreeFolder[][];
  /** Why the user may not delete such a session (e.g. a sync would bring it back); absent: deletable. */
  deleteRefusal?(session: S): string;
  /** The integration a session comes from (origin 'integration'). */
  integrationOf?(session: S): string;
  /** The IdP sign-in URL a session signs in at (SAML); absent: none. */
  idpUrlOf?(session: S): string;
  /**
   * Credentials that can sign in to the web console, for types whose own credentials cannot (an IAM
   * User's GetSessionToken credentials cannot; GetFederationToken's can). Absent: the session's own.
   * The console session then lasts as long as these credentials (`durationSeconds`).
   */
  consoleCredentials?(session: S, ctx: GenerateContext, durationSeconds: number): Promise<AwsCredentials>;
  /**
   * Whether getting fresh credentials asks the user (an MFA code, an IdP sign-in): rotation then renews them
   * only near their end. Absent: never asks (renewed early when delivered to files).
   */
  refreshAsksUser?(session: S): boolean;
  /** True when this type's credentials are an IAM user's, so a role assumed with them is not role chaining. */
  readonly userCredentials?: boolean;
  /** True when the session holds an IAM user's long-term access key in the vault, which Rotate Access Key replaces. */
  readonly longTermAccessKey?: boolean;
  /** True when the session signs in at a SAML IdP, whose sign-in may offer other roles (Add Sessions for the Other Roles). */
  readonly samlSignIn?: boolean;
  /**
   * True when describe() puts sessions in folders (`treePath`): the grouped tree then asks every session's facts
   * when it builds; of the other types only the rows it shows (10,000 sessions are not described to show 60).
   */
  readonly describesFolders?: boolean;
}

/** Facts about a session beyond alias, profile and region. */
export interface SessionDescription {
  accountId?: string;
  accountName?: string;
  roleArn?: string;
  /**
   * Folders below the type's group in the grouped tree (e.g. integration → account), outermost first.
   * Ids must be stable and unique across the tree.
   */
  treePath?: TreeFolder[];
  /** Shorter label under those folders in the grouped tree (e.g. the role name under its account). */
  shortLabel?: string;
}

export interface TreeFolder {
  id: string;
  label: string;
  description?: string;
  /** What the folder stands for, e.g. 'ssoIntegration' (its context value); default 'path'. */
  role?: string;
  /** Codicon id; default 'folder'. */
  icon?: string;
}
