/**
 * One interface for every session type. Adding a type means adding a module and registering it
 * in registry.ts, not editing switches across files.
 */
import type { AwsCredentials, AwsSsoSession, PersistedState, Session, SessionKind } from '../model';
import type { Clock, Logger, Prompter, SecretVault } from '../ports';
import type { StsGateway } from '../aws/sts';
import type { FieldName } from '../validation';
import type { SecretPurpose } from '../constants';
import type { SamlCapture } from '../saml/capture';

/** How a form field is shown. Secret fields are never sent to a page: only whether they are stored. */
export interface FieldSpec {
  name: string;
  label: string;
  /** `session`: a picker over the other sessions (value: session id). */
  kind: 'text' | 'secret' | 'region' | 'profile' | 'session' | 'choice';
  required: boolean;
  /** `choice`: the values offered, in order. */
  options?: Array<{ value: string; label: string }>;
  placeholder?: string;
  help?: string;
  /** Rule of core/validation.ts the page applies as a hint; the core applies it again. */
  rule?: FieldName;
}

/** Appended to every session form: how the credentials reach the AWS CLI and SDKs. */
export const DELIVERY_FIELD: FieldSpec = {
  name: 'deliveryMode',
  label: 'Credential delivery',
  kind: 'choice',
  required: true,
  options: [
    { value: 'default', label: 'Default (the awsSessions.deliveryMode setting)' },
    { value: 'credentialsFile', label: 'Credentials file: temporary keys in ~/.aws/credentials' },
    { value: 'credentialProcess', label: 'credential_process: no credentials in any file' },
  ],
  help: 'credential_process makes the AWS CLI and SDKs ask VS Code for credentials whenever they need them.',
};

/** Values from a form: plain strings; a secret field left empty on edit means "keep the stored one". */
export type FormValues = Record<string, string>;

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

export interface SessionTypeModule<S extends Session = Session> {
  readonly kind: SessionKind;
  /** Shown in the tree group and the form title, e.g. "IAM User". */
  readonly label: string;
  /** False for types the user cannot create with the form (integration-derived sessions). */
  readonly creatable?: boolean;
  readonly fields: readonly FieldSpec[];
  /** Secret purposes this type stores; their keys are SecretKeys.* of the session id. */
  readonly secretFields: readonly SecretPurpose[];
  /**
   * Validate form values and build the session. `existing` is set when editing; secret fields left empty
   * then keep their stored values. Throws ValidationError naming each bad field.
   */
  fromForm(values: FormValues, base: { id: string; profileId: string }, existing: S | undefined, storedSecrets: ReadonlySet<SecretPurpose>): SaveResult<S>;
  /** Form values of a stored session (never secrets). */
  toForm(session: S): FormValues;
  /** Get fresh or cached credentials for this session. */
  generate(session: S, ctx: GenerateContext): Promise<AwsCredentials>;
  /** The session whose credentials this one needs (chained roles), checked for cycles and existence. */
  dependsOn?(session: S): string | undefined;
  /** What the tree, tooltips, filter and copy actions show of a session (optional facts). */
  describe?(session: S, state: PersistedState): SessionDescription;
  /**
   * Credentials that can sign in to the web console, for types whose own credentials cannot (an IAM
   * User's GetSessionToken credentials cannot; GetFederationToken's can). Absent: the session's own.
   * The console session then lasts as long as these credentials (`durationSeconds`).
   */
  consoleCredentials?(session: S, ctx: GenerateContext, durationSeconds: number): Promise<AwsCredentials>;
  /** True when this type's credentials are an IAM user's, so a role assumed with them is not role chaining. */
  readonly userCredentials?: boolean;
}

/** Facts about a session beyond alias, profile and region. */
export interface SessionDescription {
  accountId?: string;
  accountName?: string;
  roleArn?: string;
  /** Extra tooltip lines, e.g. "MFA: arn:…" or "Assumer: dev". */
  details?: string[];
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
}
