/** Raw socket helpers for the IPC tests: speak the protocol by hand (or break it on purpose). */
import * as net from 'node:net';
import { randomToken } from '../../../../src/core/ipc/handshake';
import { encodeFrame, FrameReader, MAX_SEALED_BYTES, PROTOCOL_VERSION, type Challenge } from '../../../../src/core/ipc/protocol';

/** Send bytes, collect every frame until the server closes. */
export function rawExchange(socketPath: string, bytes: Buffer): Promise<{ reply?: unknown; closed: boolean }> {
  return new Promise((resolve) => {
    const s = net.createConnection(socketPath, () => s.write(bytes));
    const reader = new FrameReader(MAX_SEALED_BYTES);
    let reply: unknown;
    s.on('data', (c) => {
      try {
        const f = reader.push(c);
        if (f.length) reply = f[0];
      } catch {
        reply = { unparseable: true };
      }
    });
    s.on('error', () => undefined);
    s.on('close', () => resolve({ reply, closed: true }));
  });
}

export interface OpenHandshake {
  clientNonce: string;
  challenge: Challenge;
  /** Send the second frame; resolves with the server's answer when it closes. */
  send(frame: unknown): Promise<{ reply?: unknown }>;
  close(): void;
}

/** Connect and send a hello; resolves with the server's challenge, the connection kept open. */
export function startHandshake(socketPath: string): Promise<OpenHandshake> {
  return new Promise((resolve, reject) => {
    const clientNonce = randomToken();
    const s = net.createConnection(socketPath, () => s.write(encodeFrame({ v: PROTOCOL_VERSION, hello: clientNonce })));
    const reader = new FrameReader(MAX_SEALED_BYTES);
    let challenge: Challenge | undefined;
    let answer: unknown;
    let closed: (() => void) | undefined;
    const closedP = new Promise<void>((r) => (closed = r));
    s.on('data', (c) => {
      for (const frame of reader.push(c)) {
        if (!challenge) {
          challenge = frame as Challenge;
          resolve({
            clientNonce,
            challenge,
            send: async (f) => {
              s.write(encodeFrame(f));
              await closedP;
              return { reply: answer };
            },
            close: () => s.destroy(),
          });
        } else answer = frame;
      }
    });
    s.on('error', reject);
    s.on('close', () => {
      closed?.();
      if (!challenge) reject(new Error('closed before the challenge'));
    });
  });
}
