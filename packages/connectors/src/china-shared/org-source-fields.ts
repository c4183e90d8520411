import { Type } from '@sinclair/typebox';

/**
 * Fields shared by the DingTalk and WeCom login connections, which are also the organisation
 * sources (docs/identity-providers-china.md).
 */

/** How the hosted login shows the vendor's QR page: a button that redirects to it, or the page framed inside the login page. */
export const DisplaySchema = Type.Union([Type.Literal('redirect'), Type.Literal('embedded')], {
  default: 'redirect',
  description: 'redirect: a button that opens the vendor login page; embedded: the vendor QR page framed inside the hosted login (desktop browsers; phones still get the redirect)',
});

/** The scheduled organisation sync: every N minutes, 0 = off (only start-sync runs it). */
export const SyncIntervalSchema = Type.Integer({
  minimum: 0,
  maximum: 7 * 24 * 60,
  default: 0,
  description: 'Organisation sync every this many minutes (one node runs it); 0 = no scheduled sync',
});
