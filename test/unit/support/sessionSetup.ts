/** A SessionService on in-memory fakes (fake STS and clock, scripted prompt answers), with ids id-1, id-2, … */
import { SessionService } from '../../../src/core/sessionService';
import { FakeClock, FakeSts, MemoryDelivery, MemorySecretVault, MemoryStateStore, RecordingLogger, ScriptedPrompter } from './fakes';

/** AWS's documented example keys: the shape of real ones, valid nowhere. */
export const KEY = 'AKIAABCDEFGHIJKLMNOP';
export const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';

export function setup(answers: Array<string | undefined> = []) {
  const clock = new FakeClock();
  const secrets = new MemorySecretVault();
  const state = new MemoryStateStore();
  const sts = new FakeSts(clock);
  const prompter = new ScriptedPrompter(answers);
  const delivery = new MemoryDelivery();
  const logger = new RecordingLogger();
  let n = 0;
  /** Sessions whose local data (console profile) the service asked to remove, in order. */
  const forgotten: string[] = [];
  const forgetLocalData = async (id: string) => void forgotten.push(id);
  const service = new SessionService({ state, secrets, sts, prompter, clock, logger, delivery, newId: () => `id-${++n}`, forgetLocalData });
  return { clock, secrets, state, sts, prompter, delivery, logger, service, forgotten };
}
