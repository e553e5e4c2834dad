import { Webhook } from 'standardwebhooks';

/** The Standard Webhooks headers a delivery carries. */
export interface WebhookSignatureHeaders {
  'webhook-id': string;
  'webhook-timestamp': string;
  'webhook-signature': string;
}

/**
 * Signs `body` per Standard Webhooks with every secret given (`v1,<b64> v1,<b64>`), so a receiver
 * holding either the current or the previous secret verifies during a rotation's grace period.
 * `msgId` stays the same across retries (receivers deduplicate on it); the timestamp is the
 * attempt's, since receivers refuse signatures older than a few minutes.
 */
export function signWebhook(secrets: readonly string[], msgId: string, timestamp: Date, body: string): WebhookSignatureHeaders {
  if (secrets.length === 0) throw new Error('signWebhook needs at least one secret');
  const signatures = secrets.map((secret) => new Webhook(secret).sign(msgId, timestamp, body));
  return {
    'webhook-id': msgId,
    'webhook-timestamp': String(Math.floor(timestamp.getTime() / 1000)),
    'webhook-signature': signatures.join(' '),
  };
}
