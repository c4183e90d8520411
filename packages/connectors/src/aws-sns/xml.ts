/**
 * Reads one element's text from the small, flat XML documents the SNS Query API returns
 * (<PublishResponse>…<MessageId>, <ErrorResponse><Error><Code>/<Message>). Not a general XML parser.
 */
const ENTITIES: Record<string, string> = { '&lt;': '<', '&gt;': '>', '&quot;': '"', '&apos;': "'", '&amp;': '&' };

export function xmlText(xml: string, tag: string): string | undefined {
  const m = new RegExp(`<${tag}>([^<]*)</${tag}>`).exec(xml);
  return m ? m[1]!.replace(/&(lt|gt|quot|apos|amp);/g, (e) => ENTITIES[e] ?? e).trim() : undefined;
}
