/**
 * The vault a "Test credentials" run sees: the form's secrets first, then the stored long-term ones;
 * never a cached session token (the test generates fresh credentials), and nothing it stores persists.
 */
import { SecretKeys, type SecretPurpose } from '../constants';
import type { SecretVault } from '../ports';

export class DryRunVault implements SecretVault {
  private readonly local = new Map<string, string>();

  constructor(
    private readonly stored: SecretVault,
    sessionId: string,
    formSecrets: Partial<Record<SecretPurpose, string>>,
  ) {
    for (const [purpose, value] of Object.entries(formSecrets) as Array<[SecretPurpose, string]>) this.local.set(SecretKeys.forSession(sessionId, purpose), value);
    this.local.set(SecretKeys.cachedSessionCredentials(sessionId), '');
  }

  async get(key: string): Promise<string | undefined> {
    if (this.local.has(key)) return this.local.get(key) || undefined;
    return this.stored.get(key);
  }

  async store(key: string, value: string): Promise<void> {
    this.local.set(key, value);
  }

  async delete(key: string): Promise<void> {
    this.local.set(key, '');
  }
}
