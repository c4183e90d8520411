/**
 * The flat XML of WeChat pushes: `<xml><Name><![CDATA[value]]></Name><Name2>123</Name2></xml>`.
 * Deliberately not a general XML parser: a DOCTYPE, an entity declaration or a processing
 * instruction other than the XML declaration is refused (no XXE, no entity expansion), nesting
 * below the root is ignored, and the input is size-capped by the caller.
 */
const ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

export function parseFlatXml(xml: string): Record<string, string> | undefined {
  if (/<!DOCTYPE|<!ENTITY|<\?(?!xml\s)/i.test(xml)) return undefined;
  const root = /^\s*(?:<\?xml[^>]*\?>\s*)?<xml>([\s\S]*)<\/xml>\s*$/.exec(xml);
  if (!root) return undefined;
  const out: Record<string, string> = {};
  const re = /<([A-Za-z][A-Za-z0-9_]*)>(?:<!\[CDATA\[([\s\S]*?)\]\]>|([^<]*))<\/\1>/g;
  for (let m = re.exec(root[1]!); m; m = re.exec(root[1]!)) {
    const name = m[1]!;
    if (Object.hasOwn(out, name)) continue;
    out[name] = m[2] !== undefined ? m[2] : m[3]!.replace(/&(lt|gt|amp|quot|apos);/g, (_, e: string) => ENTITIES[e]!);
  }
  return out;
}

/** Builds flat XML with CDATA sections (a `]]>` inside a value is split across two sections). */
export function buildFlatXml(fields: Record<string, string | number>): string {
  const body = Object.entries(fields)
    .map(([k, v]) => (typeof v === 'number' ? `<${k}>${v}</${k}>` : `<${k}><![CDATA[${v.replaceAll(']]>', ']]]]><![CDATA[>')}]]></${k}>`))
    .join('');
  return `<xml>${body}</xml>`;
}
