import { DomainError, statusOf } from '../errors';
import { SsrfGuard, ssrfRuleOf } from './ssrf-guard';

// The rules themselves are tested in @oca/outbound (outbound-url.test.ts); this is what the gateway
// makes of them. The DNS seam is stubbed; nothing is sent anywhere.
const lookup = async (host: string) => {
  if (host !== 'hooks.example.com') throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
  return [{ address: '93.184.215.14', family: 4 }];
};

async function rejection(guard: SsrfGuard, url: string): Promise<DomainError> {
  const err = await guard.check(url).catch((e: unknown) => e);
  if (!(err instanceof DomainError)) throw new Error(`expected ${url} to be rejected, got ${String(err)}`);
  return err;
}

describe('SsrfGuard', () => {
  const strict = new SsrfGuard({ allowPrivate: false, lookup });
  const lenient = new SsrfGuard({ allowPrivate: true, lookup });

  it('refuses with a 400 domain error that names the rule and says it is the webhook', async () => {
    const err = await rejection(strict, 'http://10.0.0.7/hook');
    expect(err.code).toBe('webhook_url_rejected');
    expect(statusOf(err.code)).toBe(400);
    expect(ssrfRuleOf(err)).toBe('blocked_address');
    expect(err.message).toBe('webhook host 10.0.0.7 resolves to a non-public address (private)');
    expect(ssrfRuleOf(await rejection(strict, 'https://unknown.example.com/hook'))).toBe('dns');
  });

  it('returns the approved addresses for the delivery to connect to', async () => {
    await expect(strict.check('https://hooks.example.com/hook')).resolves.toEqual(['93.184.215.14']);
    await expect(lenient.check('http://127.0.0.1:8080/hook')).resolves.toEqual(['127.0.0.1']);
  });

  it('refuses cloud metadata even with private targets allowed (WEBHOOK_ALLOW_PRIVATE_TARGETS)', async () => {
    expect(ssrfRuleOf(await rejection(lenient, 'http://169.254.169.254/latest/meta-data/'))).toBe('blocked_address');
    expect(ssrfRuleOf(await rejection(lenient, 'http://metadata.google.internal/'))).toBe('blocked_host');
  });

  it('leaves other errors alone', () => {
    expect(ssrfRuleOf(new DomainError('not_found', 'x'))).toBeUndefined();
    expect(ssrfRuleOf(new Error('x'))).toBeUndefined();
  });
});
