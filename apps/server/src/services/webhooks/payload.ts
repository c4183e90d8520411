/**
 * What a receiver gets: `{ id, eventName, timestamp, data }` — `id` is the delivery id (the
 * `webhook-id` header, the same on every retry: receivers deduplicate on it), `timestamp` the
 * event's time (ISO-8601 UTC), `data` the catalogued payload, which names the subject (user id
 * and identifiers, role, application …). As `application/x-www-form-urlencoded` the same four
 * fields are form fields, `data` as JSON text.
 */
export type ContentType = 'application/json' | 'application/x-www-form-urlencoded';

export interface WebhookBody {
  id: string;
  eventName: string;
  timestamp: string;
  data: unknown;
}

export const bodyOf = (deliveryId: string, e: { name: string; at: string; data: unknown }): WebhookBody => ({ id: deliveryId, eventName: e.name, timestamp: e.at, data: e.data });

export function encodeBody(body: WebhookBody, contentType: ContentType): string {
  if (contentType === 'application/json') return JSON.stringify(body);
  return new URLSearchParams({ id: body.id, eventName: body.eventName, timestamp: body.timestamp, data: JSON.stringify(body.data) }).toString();
}
