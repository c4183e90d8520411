import { DOMParser, type Document, type Element } from '@xmldom/xmldom';
import { AppError } from '../../errors/app-error.js';

/** SAML namespaces (SAML Core §1.2). */
export const NS = {
  protocol: 'urn:oasis:names:tc:SAML:2.0:protocol',
  assertion: 'urn:oasis:names:tc:SAML:2.0:assertion',
  metadata: 'urn:oasis:names:tc:SAML:2.0:metadata',
  dsig: 'http://www.w3.org/2000/09/xmldsig#',
} as const;

/** The largest SAML message accepted, decoded (requests are a few kB; metadata of big federations is not imported here). */
export const MAX_MESSAGE_BYTES = 64 * 1024;
/** The largest SP metadata document accepted. */
export const MAX_METADATA_BYTES = 512 * 1024;

/** XML text escaping for element content and attribute values (XML 1.0 §2.4, §3.3.3). */
export const x = (s: unknown): string =>
  String(s ?? '').replace(/[&<>"'\r\n\t]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;', '\r': '&#13;', '\n': '&#10;', '\t': '&#9;' })[c]!);

/** Characters XML 1.0 does not allow (§2.2): a value containing them cannot be put into an assertion. */
// eslint-disable-next-line no-control-regex
const NOT_XML_CHAR = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/;
export const xmlSafe = (s: string) => !NOT_XML_CHAR.test(s);

/**
 * Parses untrusted XML (a SAML message or SP metadata) strictly:
 *  - bytes must be UTF-8 (no UTF-16 or other encodings that could hide a declaration from the checks below);
 *  - any document type declaration or entity declaration is refused outright (no XXE, no
 *    "billion laughs"): SAML messages never need one (SAML Security Considerations §6.3.1);
 *  - any parse error or warning is an error (no best-effort recovery of broken markup).
 */
export function parseUntrustedXml(bytes: Buffer | string, limit = MAX_MESSAGE_BYTES): Document {
  const buf = typeof bytes === 'string' ? Buffer.from(bytes, 'utf8') : bytes;
  if (buf.length > limit) throw new AppError('saml.request_too_large');
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(buf);
  } catch {
    throw new AppError('saml.request_malformed', { params: { reason: 'not UTF-8' } });
  }
  if (text.includes('\u0000')) throw new AppError('saml.request_malformed', { params: { reason: 'not UTF-8' } });
  if (/<!DOCTYPE|<!ENTITY|<!ELEMENT|<!ATTLIST/i.test(text)) throw new AppError('saml.dtd_refused');
  const decl = /^\uFEFF?<\?xml[^>]*encoding\s*=\s*["']([^"']+)["']/i.exec(text);
  if (decl && !/^utf-?8$/i.test(decl[1]!)) throw new AppError('saml.request_malformed', { params: { reason: `encoding ${decl[1]}` } });
  let doc: Document;
  try {
    doc = new DOMParser({
      onError: (level, message) => {
        throw new Error(`${level}: ${message}`);
      },
    }).parseFromString(text, 'text/xml');
  } catch {
    throw new AppError('saml.request_malformed', { params: { reason: 'not well-formed XML' } });
  }
  if (!doc.documentElement) throw new AppError('saml.request_malformed', { params: { reason: 'empty document' } });
  return doc;
}

/** Element children of `el` with this namespace and local name. */
export function children(el: Element, ns: string, local: string): Element[] {
  const out: Element[] = [];
  for (let n = el.firstChild; n; n = n.nextSibling) {
    if (n.nodeType === 1 && (n as Element).namespaceURI === ns && (n as Element).localName === local) out.push(n as Element);
  }
  return out;
}

/** The single child (undefined when absent; a second one is malformed). */
export function child(el: Element, ns: string, local: string): Element | undefined {
  const list = children(el, ns, local);
  if (list.length > 1) throw new AppError('saml.request_malformed', { params: { reason: `more than one ${local}` } });
  return list[0];
}

/** Text content of an element, trimmed. */
export const text = (el: Element | undefined): string => (el?.textContent ?? '').trim();

/** Every descendant element with this namespace and local name, in document order. */
export function descendants(el: Element, ns: string, local: string): Element[] {
  const out: Element[] = [];
  const list = el.getElementsByTagNameNS(ns, local);
  for (let i = 0; i < list.length; i++) out.push(list.item(i)!);
  return out;
}

/** An attribute that must be absent or a SAML `xs:boolean` ("true"/"1"/"false"/"0"). */
export function boolAttr(el: Element, name: string): boolean {
  const v = el.getAttribute(name);
  if (v === null || v === '') return false;
  if (v === 'true' || v === '1') return true;
  if (v === 'false' || v === '0') return false;
  throw new AppError('saml.request_malformed', { params: { reason: `${name} is not a boolean` } });
}
