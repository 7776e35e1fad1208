/**
 * A client of the Chrome DevTools Protocol over `--remote-debugging-pipe`: the browser reads commands
 * from its fd 3 and writes answers and events to its fd 4, each message one JSON object followed by a NUL
 * byte. Commands carry an id and, for a target attached with `flatten`, its sessionId; answers carry the
 * same id and a `result` or an `error`; events carry a `method` and no id.
 */
import type { Readable, Writable } from 'node:stream';
import { t } from '../../core/l10n';

/** An error answer of the browser to one command. */
export class CdpError extends Error {
  constructor(
    readonly method: string,
    readonly code: number | undefined,
    detail: string,
  ) {
    super(`${method}: ${detail}`);
    this.name = 'CdpError';
  }
}

/** The pipe closed (the browser exited) before a command was answered. */
export class CdpClosedError extends Error {
  constructor(method: string) {
    super(t('{0}: the browser closed the DevTools pipe', method));
    this.name = 'CdpClosedError';
  }
}

export type CdpParams = Record<string, unknown>;

export interface CdpEvent {
  method: string;
  params: CdpParams;
  /** The attached target the event comes from; undefined for the browser itself. */
  sessionId?: string;
}

interface Pending {
  method: string;
  resolve(result: CdpParams): void;
  reject(error: Error): void;
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

export class CdpPipe {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly eventListeners = new Set<(event: CdpEvent) => void>();
  private readonly closeListeners = new Set<() => void>();
  private buffered: Buffer[] = [];
  private closedFlag = false;

  /**
   * @param toBrowser the browser's fd 3
   * @param fromBrowser the browser's fd 4
   * @param onLog problems of the protocol: a message that is not JSON or not a CDP message, a failing listener (logged; the pipe goes on)
   */
  constructor(
    private readonly toBrowser: Writable,
    fromBrowser: Readable,
    private readonly onLog: (problem: string) => void = () => undefined,
  ) {
    fromBrowser.on('data', (chunk: Buffer | string) => this.receive(typeof chunk === 'string' ? Buffer.from(chunk) : chunk));
    fromBrowser.on('end', () => this.close());
    fromBrowser.on('close', () => this.close());
    fromBrowser.on('error', () => this.close());
    toBrowser.on('error', () => this.close());
  }

  get closed(): boolean {
    return this.closedFlag;
  }

  /** Sends one command; resolves with its result, rejects with CdpError or CdpClosedError. */
  send(method: string, params: CdpParams = {}, sessionId?: string): Promise<CdpParams> {
    if (this.closedFlag) return Promise.reject(new CdpClosedError(method));
    const id = this.nextId++;
    const message = JSON.stringify(sessionId ? { id, method, params, sessionId } : { id, method, params });
    return new Promise<CdpParams>((resolve, reject) => {
      this.pending.set(id, { method, resolve, reject });
      this.toBrowser.write(`${message}\0`);
    });
  }

  /** Every event of the browser and of the attached targets; returns the unsubscribe. */
  onEvent(listener: (event: CdpEvent) => void): () => void {
    this.eventListeners.add(listener);
    return () => this.eventListeners.delete(listener);
  }

  /** Called once when the pipe closes (at once when it already has). */
  onClose(listener: () => void): void {
    if (this.closedFlag) listener();
    else this.closeListeners.add(listener);
  }

  /** Stops reading and fails every unanswered command. */
  close(): void {
    if (this.closedFlag) return;
    this.closedFlag = true;
    this.buffered = [];
    for (const [id, call] of this.pending) {
      this.pending.delete(id);
      call.reject(new CdpClosedError(call.method));
    }
    for (const listener of this.closeListeners) listener();
    this.closeListeners.clear();
    this.eventListeners.clear();
  }

  private receive(chunk: Buffer): void {
    if (this.closedFlag) return;
    let start = 0;
    let end = chunk.indexOf(0, start);
    while (end >= 0) {
      const part = chunk.subarray(start, end);
      const whole = this.buffered.length > 0 ? Buffer.concat([...this.buffered, part]) : part;
      this.buffered = [];
      this.dispatch(whole.toString('utf8'));
      if (this.closedFlag) return;
      start = end + 1;
      end = chunk.indexOf(0, start);
    }
    if (start < chunk.length) this.buffered.push(chunk.subarray(start));
  }

  private dispatch(text: string): void {
    let message: unknown;
    try {
      message = JSON.parse(text);
    } catch {
      this.onLog(`not JSON: ${text.slice(0, 80)}`);
      return;
    }
    if (!isRecord(message)) {
      this.onLog('not a JSON object');
      return;
    }
    if (typeof message.id === 'number') {
      const call = this.pending.get(message.id);
      if (!call) {
        this.onLog(`an answer to no command (id ${message.id})`);
        return;
      }
      this.pending.delete(message.id);
      if (isRecord(message.error)) {
        const code = typeof message.error.code === 'number' ? message.error.code : undefined;
        const detail = typeof message.error.message === 'string' ? message.error.message : 'failed';
        call.reject(new CdpError(call.method, code, detail));
      } else {
        call.resolve(isRecord(message.result) ? message.result : {});
      }
      return;
    }
    if (typeof message.method === 'string') {
      const event: CdpEvent = { method: message.method, params: isRecord(message.params) ? message.params : {}, ...(typeof message.sessionId === 'string' ? { sessionId: message.sessionId } : {}) };
      for (const listener of [...this.eventListeners]) {
        try {
          listener(event);
        } catch (error) {
          this.onLog(`a listener of ${event.method} failed: ${error instanceof Error ? error.message : String(error)}`);
        }
      }
      return;
    }
    this.onLog('neither an answer nor an event');
  }
}
