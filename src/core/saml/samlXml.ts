/**
 * A SAML document read with a real XML parser (@xmldom/xmldom), not regular expressions: namespace
 * prefixes of any name, CDATA sections, comments (never part of a value), nested elements and a response
 * holding more than one assertion are all read the way an XML processor — and AWS — reads them. A document
 * with a DOCTYPE is refused: SAML forbids it, and it is how entity expansion attacks arrive.
 */
import { DOMParser } from '@xmldom/xmldom';
import { t } from '../l10n';

/** The parsed document's root element; throws with the parser's reason when the XML is not well-formed. */
export function parseSamlXml(xml: string): Element {
  if (/<!DOCTYPE/i.test(xml)) throw new Error(t('the SAML document has a DOCTYPE, which SAML does not allow'));
  const problems: string[] = [];
  const doc = new DOMParser({
    errorHandler: { warning: () => undefined, error: (m: string) => void problems.push(m), fatalError: (m: string) => void problems.push(m) },
  }).parseFromString(xml, 'text/xml');
  const root = doc.documentElement;
  if (problems.length > 0 || !root) {
    throw new Error(problems[0] !== undefined ? t('the SAML document is not well-formed XML ({0})', problems[0].split('\n')[0].trim()) : t('the SAML document is not well-formed XML (no root element)'));
  }
  return root as unknown as Element;
}

/** Descendant elements (and `from` itself) with this local name, in any namespace, in document order. */
export function elements(from: Element, localName: string): Element[] {
  const list = from.getElementsByTagNameNS('*', localName);
  const found = Array.from({ length: list.length }, (_, i) => list.item(i)).filter((e): e is Element => e !== null);
  return from.localName === localName ? [from, ...found] : found;
}

/** The text of an element: its text and CDATA, without comments or processing instructions, trimmed. */
export function textOf(element: Element | undefined): string | undefined {
  return element ? (element.textContent ?? '').trim() : undefined;
}

/** An attribute without a namespace, e.g. `Name`, `NotOnOrAfter`; undefined when absent. */
export function attribute(element: Element | undefined, name: string): string | undefined {
  return element?.hasAttribute(name) ? element.getAttribute(name) ?? undefined : undefined;
}
