/**
 * Messages between the credentials doctor's page and its host. Imported by both sides. The host
 * renders the report into the page's HTML (every run writes it anew), so it posts nothing; the
 * page's buttons post only these.
 */
import { exactly, typeOf } from '../protocol';

export type PageToHost = { type: 'fix'; index: number } | { type: 'rerun' } | { type: 'copy' };

export type HostToPage = never;

/** A message from the page, or undefined: anything else is refused. */
export function parseDoctorMessage(raw: unknown): PageToHost | undefined {
  const type = typeOf(raw);
  switch (type) {
    case 'fix': {
      const index = exactly(raw, 'index')?.index;
      return typeof index === 'number' && Number.isInteger(index) ? { type, index } : undefined;
    }
    case 'rerun':
    case 'copy':
      return exactly(raw) ? { type } : undefined;
    default:
      return undefined;
  }
}
