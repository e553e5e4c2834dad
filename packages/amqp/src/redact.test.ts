import { redactUrl, scrubSecret } from './redact';

describe('redact', () => {
  it('hides the password of the broker URL', () => {
    expect(redactUrl('amqp://user:s3cr%40t@rabbit:5672/vh')).toBe('amqp://user:***@rabbit:5672/vh');
    expect(redactUrl('amqp://rabbit')).toBe('amqp://rabbit');
    expect(scrubSecret('failed amqp://user:s3cr@t@rabbit', 'amqp://user:s3cr%40t@rabbit')).not.toContain('s3cr@t');
  });
});
