/**
 * `npm run demo` only: when AWS_SESSIONS_DEMO_SEED names the local AWS double's JSON line, add one IAM User
 * session per seeded user (once), so a newcomer can start a session at once.
 */
import { readFile } from 'node:fs/promises';
import type { SessionService } from './core/sessionService';
import type { Logger } from './core/ports';

interface SeedUser {
  name: string;
  accessKeyId: string;
  secretAccessKey: string;
  mfaSerial?: string | null;
}

export async function seedDemoSessions(path: string, service: SessionService, logger: Logger): Promise<void> {
  try {
    const seed = JSON.parse(await readFile(path, 'utf8')) as { users?: SeedUser[] };
    const state = await service.state.read();
    for (const [index, user] of (seed.users ?? []).entries()) {
      if (state.sessions.some((s) => s.alias === user.name)) continue;
      await service.editor.save('iamUser', {
        alias: user.name,
        profile: index === 0 ? 'default' : user.name,
        region: 'us-east-1',
        accessKeyId: user.accessKeyId,
        secretAccessKey: user.secretAccessKey,
        mfaSerial: user.mfaSerial ?? '',
      });
    }
  } catch (error) {
    logger.warn(`Demo seed ${path} not applied: ${error instanceof Error ? error.message : String(error)}`);
  }
}
