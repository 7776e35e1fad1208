/** XML rendering for AWS Query-protocol services (STS): results and ErrorResponse documents. */
import type { AwsError, DoubleResponse } from './types';

/** Escapes element text the way STS does: `&`, `<`, `>` only (quotes stay as they are). */
export function escapeXml(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** A tree of elements: string/number leaves, nested objects; undefined members are left out. */
export interface XmlNode {
  readonly [name: string]: string | number | XmlNode | undefined;
}

export function renderXml(node: XmlNode, indent: string): string {
  const lines: string[] = [];
  for (const [name, value] of Object.entries(node)) {
    if (value === undefined) {
      continue;
    }
    if (typeof value === 'object') {
      lines.push(`${indent}<${name}>`, renderXml(value, indent + '  '), `${indent}</${name}>`);
    } else {
      lines.push(`${indent}<${name}>${escapeXml(String(value))}</${name}>`);
    }
  }
  return lines.join('\n');
}

/** Timestamps as STS writes them: ISO 8601 UTC without milliseconds. */
export function isoSeconds(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function xmlResponse(status: number, requestId: string, body: string): DoubleResponse {
  return {
    status,
    headers: { 'content-type': 'text/xml', 'x-amzn-requestid': requestId },
    body,
  };
}

/** `<{Action}Response><{Action}Result>…</{Action}Result><ResponseMetadata>…` */
export function queryResult(namespace: string, action: string, result: XmlNode | string | null, requestId: string): DoubleResponse {
  // A node is rendered here; a string is the Result's inner XML as is (lists of repeated members); null: no Result element.
  const inner = result === null ? [] : [`  <${action}Result>`, typeof result === 'string' ? result : renderXml(result, '    '), `  </${action}Result>`];
  const body = [
    `<${action}Response xmlns="${namespace}">`,
    ...inner,
    '  <ResponseMetadata>',
    `    <RequestId>${requestId}</RequestId>`,
    '  </ResponseMetadata>',
    `</${action}Response>`,
    '',
  ].join('\n');
  return xmlResponse(200, requestId, body);
}

/** `<ErrorResponse><Error><Type/><Code/><Message/></Error><RequestId/></ErrorResponse>` */
export function queryError(namespace: string, err: AwsError, requestId: string): DoubleResponse {
  const body = [
    `<ErrorResponse xmlns="${namespace}">`,
    '  <Error>',
    `    <Type>${err.type}</Type>`,
    `    <Code>${escapeXml(err.code)}</Code>`,
    `    <Message>${escapeXml(err.message)}</Message>`,
    '  </Error>',
    `  <RequestId>${requestId}</RequestId>`,
    '</ErrorResponse>',
    '',
  ].join('\n');
  return xmlResponse(err.status, requestId, body);
}
