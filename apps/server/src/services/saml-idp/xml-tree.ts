/**
 * The XML the identity provider signs most (Assertion and Response), built as a small element
 * tree instead of a string, so that signing needs no XML parser: the tree gives both the bytes
 * that are sent and the exclusive canonical form the signature covers (docs/performance.md,
 * "SAML and CAS"). Parsing our own output again to canonicalise it was most of the CPU of an
 * assertion.
 *
 * Only what those messages use is supported: every element and attribute name is prefixed or an
 * unprefixed attribute (no default namespace, no `xml:` attributes), no comments, no processing
 * instructions, no mixed content other than text. Within that, the two serialisations are
 * exactly what the xml-crypto signer produced before (its xmldom serialiser for the document,
 * its Exclusive XML Canonicalization 1.0 without an InclusiveNamespaces list for the digest):
 * `test/saml/fast-signing.test.ts` compares them byte for byte, hostile values included.
 */
export interface XmlElement {
  /** Qualified name, `prefix:local`. */
  name: string;
  /** Namespace declarations on this element (`prefix` → URI), in document order. */
  ns?: ReadonlyArray<readonly [string, string]>;
  /** Attributes in document order: unprefixed, or prefixed with a prefix declared in scope. */
  attrs?: ReadonlyArray<readonly [string, string]>;
  /** Child elements and text (empty strings are no text node). */
  children?: ReadonlyArray<XmlElement | string>;
}

export function el(name: string, attrs: XmlElement['attrs'] = [], children: XmlElement['children'] = [], ns?: XmlElement['ns']): XmlElement {
  return ns ? { name, ns, attrs, children } : { name, attrs, children };
}

const prefixOf = (qname: string) => {
  const i = qname.indexOf(':');
  return i < 0 ? '' : qname.slice(0, i);
};
const localOf = (qname: string) => qname.slice(qname.indexOf(':') + 1);

// Document form: what xmldom's serializer writes (attribute values escape < > & " TAB LF CR as
// &lt; &gt; &amp; &quot; &#9; &#10; &#13;; text escapes < & >), and xml-crypto then writes a
// carriage return left in text as &#xD;.
const DOC_ATTR: Record<string, string> = { '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', '\t': '&#9;', '\n': '&#10;', '\r': '&#13;' };
const DOC_TEXT: Record<string, string> = { '<': '&lt;', '>': '&gt;', '&': '&amp;', '\r': '&#xD;' };
// Canonical form (Exclusive XML Canonicalization 1.0 §1.1 → Canonical XML 1.0 §2.3).
const C14N_ATTR: Record<string, string> = { '&': '&amp;', '<': '&lt;', '"': '&quot;', '\r': '&#xD;', '\n': '&#xA;', '\t': '&#x9;' };
const C14N_TEXT = DOC_TEXT;

const escDocAttr = (s: string) => s.replace(/[<>&"\t\n\r]/g, (c) => DOC_ATTR[c]!);
const escText = (s: string) => s.replace(/[<>&\r]/g, (c) => C14N_TEXT[c]!);
const escC14nAttr = (s: string) => s.replace(/[&<"\r\n\t]/g, (c) => C14N_ATTR[c]!);

/** The element as sent. */
export function serialize(e: XmlElement): string {
  let out = `<${e.name}`;
  for (const [p, uri] of e.ns ?? []) out += ` xmlns:${p}="${escDocAttr(uri)}"`;
  for (const [n, v] of e.attrs ?? []) out += ` ${n}="${escDocAttr(v)}"`;
  const kids = (e.children ?? []).filter((c) => c !== '');
  if (kids.length === 0) return `${out}/>`;
  out += '>';
  for (const c of kids) out += typeof c === 'string' ? escText(c) : serialize(c);
  return `${out}</${e.name}>`;
}

/**
 * Exclusive canonical form of `e` as the apex of a signed reference (or SignedInfo): a namespace
 * is rendered on the first output element that visibly uses it (its own prefix or a prefixed
 * attribute's), declarations that are merely in scope are not; attributes in (namespace URI,
 * local name) order with unqualified ones first; empty elements as start/end tag pairs.
 * `scope` holds the declarations of `e`'s ancestors (prefix → URI).
 */
export function canonical(e: XmlElement, scope: ReadonlyMap<string, string> = new Map()): string {
  return c14n(e, scope, new Map());
}

function c14n(e: XmlElement, scope: ReadonlyMap<string, string>, rendered: Map<string, string>): string {
  let inScope = scope;
  if (e.ns?.length) {
    const m = new Map(scope);
    for (const [p, uri] of e.ns) m.set(p, uri);
    inScope = m;
  }
  const uriOf = (prefix: string) => {
    const u = inScope.get(prefix);
    if (u === undefined) throw new Error(`xml-tree: prefix ${prefix} is not declared`);
    return u;
  };
  const toRender: Array<[string, string]> = [];
  const need = (prefix: string) => {
    const uri = uriOf(prefix);
    if (rendered.get(prefix) === uri) return;
    rendered.set(prefix, uri);
    toRender.push([prefix, uri]);
  };
  const ep = prefixOf(e.name);
  if (!ep) throw new Error(`xml-tree: unprefixed element ${e.name}`);
  need(ep);
  const attrs = (e.attrs ?? []).map(([n, v]) => {
    const p = prefixOf(n);
    if (p) need(p);
    return { n, v, key: p ? `${uriOf(p)}${localOf(n)}` : n, qualified: p !== '' };
  });
  toRender.sort((a, b) => (a[0] === b[0] ? 0 : a[0].localeCompare(b[0])));
  attrs.sort((a, b) => (a.qualified !== b.qualified ? (a.qualified ? 1 : -1) : a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  let out = `<${e.name}`;
  for (const [p, uri] of toRender) out += ` xmlns:${p}="${uri}"`;
  for (const a of attrs) out += ` ${a.n}="${escC14nAttr(a.v)}"`;
  out += '>';
  for (const c of e.children ?? []) {
    if (typeof c === 'string') out += escText(c);
    else out += c14n(c, inScope, new Map(rendered));
  }
  return `${out}</${e.name}>`;
}
