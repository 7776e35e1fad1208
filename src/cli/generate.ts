/**
 * `aws-sessions generate <session>`: the credential_process output for a session, as the AWS CLI and
 * SDKs expect it (`{"Version":1,...}` on stdout). Shared by the full CLI and the lean generate entry.
 */
import { request } from './call';
import { writeOut } from './io';

/** True when the reply is written whole (the caller may exit at once). */
export async function generate(session: string): Promise<boolean> {
  const result = await request('generate', { session });
  return writeOut(1, JSON.stringify(result) + '\n');
}
