import { Webhook, WebhookVerificationError } from 'standardwebhooks';
import { signWebhook } from './signer';
import { newWebhookSecret } from './webhook-secrets';

describe('signWebhook', () => {
  const current = newWebhookSecret();
  const previous = newWebhookSecret();
  const body = JSON.stringify({ type: 'job.succeeded', timestamp: new Date().toISOString(), data: { id: 'x' } });
  const msgId = 'msg_0f1e2d3c4b5a69788796a5b4c3d2e1f0';

  it('produces headers each secret verifies with standardwebhooks', () => {
    const headers = signWebhook([current, previous], msgId, new Date(), body);
    expect(headers['webhook-id']).toBe(msgId);
    expect(headers['webhook-timestamp']).toMatch(/^\d{10}$/);
    expect(headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]+=* v1,[A-Za-z0-9+/]+=*$/);
    expect(new Webhook(current).verify(body, { ...headers })).toEqual(JSON.parse(body));
    expect(new Webhook(previous).verify(body, { ...headers })).toEqual(JSON.parse(body));
  });

  it('does not verify with a secret it was not signed with', () => {
    const headers = signWebhook([current], msgId, new Date(), body);
    expect(() => new Webhook(previous).verify(body, { ...headers })).toThrow(WebhookVerificationError);
  });

  it('fails verification when the body is tampered with', () => {
    const headers = signWebhook([current, previous], msgId, new Date(), body);
    const tampered = body.replace('job.succeeded', 'job.failed');
    expect(() => new Webhook(current).verify(tampered, { ...headers })).toThrow(WebhookVerificationError);
    expect(() => new Webhook(previous).verify(tampered, { ...headers })).toThrow(WebhookVerificationError);
  });

  it('fails verification when the id or timestamp is changed', () => {
    const now = new Date();
    const headers = signWebhook([current], msgId, now, body);
    expect(() => new Webhook(current).verify(body, { ...headers, 'webhook-id': 'msg_other' })).toThrow(WebhookVerificationError);
    const earlier = String(Number(headers['webhook-timestamp']) - 1);
    expect(() => new Webhook(current).verify(body, { ...headers, 'webhook-timestamp': earlier })).toThrow(WebhookVerificationError);
  });

  it('stamps the given time in seconds', () => {
    const at = new Date('2030-01-02T03:04:05.678Z');
    expect(signWebhook([current], msgId, at, body)['webhook-timestamp']).toBe(String(Math.floor(at.getTime() / 1000)));
  });

  it('refuses to sign without a secret', () => {
    expect(() => signWebhook([], msgId, new Date(), body)).toThrow(/at least one secret/);
  });
});
