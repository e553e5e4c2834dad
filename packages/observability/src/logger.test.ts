import { generateKeyPairSync } from 'node:crypto';
import { loggableHeaders } from './http-log';
import { createLogger } from './logger';

function capture(secrets?: string[]) {
  const lines: string[] = [];
  const logger = createLogger({ service: 'test', level: 'trace', secrets, destination: { write: (line: string) => void lines.push(line) } });
  return { logger, text: () => lines.join('') };
}

describe('createLogger redaction', () => {
  it('redacts secret fields at the top level and one level down, and credential headers', () => {
    const { logger, text } = capture();
    logger.info(
      {
        password: 'pw-top-123456',
        body: { password: 'pw-nested-123456', refreshToken: 'rt-123456', apiKey: 'ak-123456' },
        req: { headers: { authorization: 'Bearer tok-123456', 'x-api-key': 'oca_abc_123456', cookie: 'sid=123456' } },
        request: { headers: { authorization: 'Bearer tok2-123456', 'webhook-signature': 'v1,sig-123456' } },
        webhook: { secret: 'whsec_123456' },
      },
      'hello',
    );
    for (const value of ['pw-top', 'pw-nested', 'rt-123456', 'ak-123456', 'tok-123456', 'oca_abc', 'sid=123456', 'tok2-123456', 'sig-123456', 'whsec_123456']) {
      expect(text()).not.toContain(value);
    }
    expect(text()).toContain('[redacted]');
    expect(text()).toContain('"msg":"hello"');
  });

  it('scrubs known secret values wherever they appear: messages, errors, URLs, escaped PEM', () => {
    const pem = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const password = 'p@ss/word:42';
    const { logger, text } = capture([pem, password, 'rpc-key-0123456789abcdef', 'abc']);
    logger.warn({ err: new Error('HTTP request failed. URL: https://eth.example/v2/rpc-key-0123456789abcdef') }, 'transient RPC failure');
    logger.error(`connect failed for amqp://oca:${encodeURIComponent(password)}@mq:5672`);
    logger.info({ config: { pem, raw: password } }, 'dump');
    logger.info('abc is too short to scrub');
    expect(text()).not.toContain('rpc-key-0123456789abcdef');
    expect(text()).not.toContain(encodeURIComponent(password));
    expect(text()).not.toContain(password);
    expect(text()).not.toContain(pem.split('\n')[1]);
    expect(text()).toContain('/v2/[redacted]');
    expect(text()).toContain('abc is too short');
    // Every line is still valid JSON.
    for (const line of text().trim().split('\n')) expect(() => JSON.parse(line)).not.toThrow();
  });
});

describe('loggableHeaders', () => {
  it('keeps allowlisted values and masks every other header, known or not', () => {
    expect(
      loggableHeaders({
        'content-type': 'application/json',
        'x-correlation-id': 'c-1',
        authorization: 'Bearer x',
        'x-api-key': 'oca_x',
        'proxy-authorization': 'Basic y',
        'x-custom-token': 'z',
      }),
    ).toEqual({
      'content-type': 'application/json',
      'x-correlation-id': 'c-1',
      authorization: '[redacted]',
      'x-api-key': '[redacted]',
      'proxy-authorization': '[redacted]',
      'x-custom-token': '[redacted]',
    });
  });
});
