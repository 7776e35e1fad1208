/**
 * The browser's end of a DevTools pipe, in memory: it reads the NUL-delimited commands the client writes,
 * records them, answers each through `answer` (default: an empty result) and sends events when told.
 */
import { PassThrough } from 'node:stream';
import { CdpPipe, type CdpParams } from '../../../../src/platform/cdp/pipe';

export interface Command {
  id: number;
  method: string;
  params: CdpParams;
  sessionId?: string;
}

export type Answer = { result: CdpParams } | { error: { code: number; message: string } } | 'none';

export class FakeBrowser {
  /** What the client writes (the browser's fd 3). */
  readonly toBrowser = new PassThrough();
  /** What the client reads (the browser's fd 4). */
  readonly fromBrowser = new PassThrough();
  readonly commands: Command[] = [];
  readonly protocolErrors: string[] = [];
  readonly pipe: CdpPipe;
  private pending = '';

  /** Answers a command (and may send events first, through `this`). */
  answer: (command: Command, browser: FakeBrowser) => Answer = () => ({ result: {} });

  constructor() {
    this.pipe = new CdpPipe(this.toBrowser, this.fromBrowser, (problem) => this.protocolErrors.push(problem));
    this.toBrowser.on('data', (chunk: Buffer) => {
      this.pending += chunk.toString('utf8');
      let end = this.pending.indexOf('\0');
      while (end >= 0) {
        const command = JSON.parse(this.pending.slice(0, end)) as Command;
        this.pending = this.pending.slice(end + 1);
        this.commands.push(command);
        const reply = this.answer(command, this);
        if (reply !== 'none') this.raw({ id: command.id, ...reply });
        end = this.pending.indexOf('\0');
      }
    });
  }

  /** Sends one message as the browser would (JSON and a NUL). */
  raw(message: unknown): void {
    this.fromBrowser.write(`${JSON.stringify(message)}\0`);
  }

  event(method: string, params: CdpParams, sessionId?: string): void {
    this.raw(sessionId ? { method, params, sessionId } : { method, params });
  }

  /** The commands so far as `method@session` (browser commands without the @). */
  trail(): string[] {
    return this.commands.map((c) => (c.sessionId ? `${c.method}@${c.sessionId}` : c.method));
  }

  /** Waits for the event loop to deliver what is in flight between the two ends. */
  static async settle(): Promise<void> {
    for (let i = 0; i < 20; i++) await new Promise<void>((resolve) => setImmediate(resolve));
  }
}
