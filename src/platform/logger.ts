import type * as vscode from 'vscode';
import type { Logger } from '../core/ports';

/** The core's Logger onto a LogOutputChannel. Callers never pass secrets; this is the last line anyway. */
export class OutputChannelLogger implements Logger {
  constructor(private readonly channel: vscode.LogOutputChannel) {}
  debug(message: string): void {
    this.channel.debug(redact(message));
  }
  info(message: string): void {
    this.channel.info(redact(message));
  }
  warn(message: string): void {
    this.channel.warn(redact(message));
  }
  error(message: string): void {
    this.channel.error(redact(message));
  }
}

/** Mask anything shaped like an AWS secret key or session token that slipped into a message. */
export function redact(message: string): string {
  return message
    .replace(/\b(?:AKIA|ASIA)[A-Z0-9]{16}\b/g, (m) => `${m.slice(0, 4)}…${m.slice(-4)}`)
    .replace(/(?<![A-Za-z0-9/+=])[A-Za-z0-9/+=]{40}(?![A-Za-z0-9/+=])/g, '[redacted]')
    .replace(/[A-Za-z0-9/+=]{100,}/g, '[redacted]');
}
