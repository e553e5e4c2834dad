import { blockedRange, checkOutboundUrl, isMetadataAddress, OutboundUrlRejectedError, type OutboundLookup, type OutboundUrlOptions, type ResolvedAddress } from './outbound-url';

// The rules behind the gateway's webhook guard, the NFT metadata fetcher and the explorer API
// client. Decisions only: nothing is ever sent to any of these addresses.

/** The DNS seam only: names map to fixed answers, anything else does not resolve. */
function stubLookup(table: Record<string, string[]>): OutboundLookup & { calls: string[] } {
  const calls: string[] = [];
  const lookup = async (host: string): Promise<ResolvedAddress[]> => {
    calls.push(host);
    const addresses = table[host];
    if (!addresses) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
    return addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
  };
  return Object.assign(lookup, { calls });
}

const DNS = {
  'hooks.example.com': ['93.184.215.14'],
  'v6.example.com': ['2606:4700::6810:84e5'],
  localhost: ['127.0.0.1', '::1'],
  'mixed.example.com': ['93.184.215.14', '10.0.0.7'],
  'mixed6.example.com': ['2606:4700::6810:84e5', 'fd00::1'],
  'rebind.example.com': ['169.254.169.254'],
  'metadata.google.internal': ['169.254.169.254'],
};

/** The rules with fixed options, as a guard holds them. */
const guardWith = (options: OutboundUrlOptions) => ({ check: (url: string) => checkOutboundUrl(url, options) });
type Guard = ReturnType<typeof guardWith>;

async function rejection(guard: Guard, url: string): Promise<OutboundUrlRejectedError> {
  const err = await guard.check(url).then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(err instanceof OutboundUrlRejectedError)) throw new Error(`expected ${url} to be rejected, got ${String(err)}`);
  expect(err.code).toBe('outbound_url_rejected');
  return err;
}
const ssrfRuleOf = (err: OutboundUrlRejectedError) => err.rule;

describe('checkOutboundUrl (allowPrivate: false)', () => {
  const guard = guardWith({ allowPrivate: false, lookup: stubLookup(DNS) });

  it.each([
    ['http://127.0.0.1/hook', 'loopback'],
    ['http://127.8.9.10:8080/hook', 'loopback'],
    ['http://[::1]/hook', 'loopback'],
    ['http://10.1.2.3/hook', 'private'],
    ['http://172.16.0.1/hook', 'private'],
    ['http://172.31.255.254/hook', 'private'],
    ['http://192.168.1.1/hook', 'private'],
    ['http://169.254.169.254/latest/meta-data/', 'linkLocal'],
    ['http://[fe80::1]/hook', 'linkLocal'],
    ['http://[fd00::1]/hook', 'uniqueLocal'],
    ['http://[::ffff:127.0.0.1]/hook', 'ipv4Mapped loopback'],
    ['http://[::ffff:10.0.0.1]/hook', 'ipv4Mapped private'],
    ['http://[64:ff9b::a9fe:a9fe]/hook', 'rfc6052 linkLocal'],
    ['http://[2002:c0a8:0101::1]/hook', '6to4 private'],
    ['http://0.0.0.0/hook', 'unspecified'],
    ['http://[::]/hook', 'unspecified'],
    ['http://100.64.0.1/hook', 'carrierGradeNat'],
    ['http://224.0.0.1/hook', 'multicast'],
    ['http://255.255.255.255/hook', 'broadcast'],
    ['http://240.0.0.1/hook', 'reserved'],
    // Other spellings of 127.0.0.1: decimal, hex, octal, short form.
    ['http://2130706433/hook', 'loopback'],
    ['http://0x7f000001/hook', 'loopback'],
    ['http://0x7f.0.0.1/hook', 'loopback'],
    ['http://0177.0.0.1/hook', 'loopback'],
    ['http://127.1/hook', 'loopback'],
    ['http://3232235777/hook', 'private'],
  ])('rejects %s (%s)', async (url, range) => {
    const err = await rejection(guard, url);
    expect(ssrfRuleOf(err)).toBe('blocked_address');
    expect(err.message).toContain(`(${range})`);
  });

  it('rejects localhost by name, whatever it resolves to', async () => {
    for (const url of ['http://localhost/hook', 'http://LOCALHOST./hook', 'http://api.localhost:3000/hook']) {
      expect(ssrfRuleOf(await rejection(guard, url))).toBe('blocked_host');
    }
  });

  it('rejects cloud metadata names', async () => {
    const err = await rejection(guard, 'http://metadata.google.internal/computeMetadata/v1/');
    expect(ssrfRuleOf(err)).toBe('blocked_host');
    expect(err.message).toMatch(/metadata/);
  });

  it('rejects a name with any private address among public ones', async () => {
    const err = await rejection(guard, 'https://mixed.example.com/hook');
    expect(err.message).toBe('host mixed.example.com resolves to a non-public address (private)');
    expect(ssrfRuleOf(await rejection(guard, 'https://mixed6.example.com/hook'))).toBe('blocked_address');
  });

  it('names the host, never the URL (its query may carry a key)', async () => {
    const err = await rejection(guard, 'http://10.1.2.3/api?apikey=SECRET');
    expect(err.message).not.toContain('SECRET');
    expect((await rejection(guard, 'ftp://hooks.example.com/?apikey=SECRET')).message).not.toContain('SECRET');
  });

  it('rejects a name resolving to the metadata address', async () => {
    expect((await rejection(guard, 'https://rebind.example.com/')).message).toContain('(linkLocal)');
  });

  it.each([
    ['ftp://hooks.example.com/hook', 'protocol'],
    ['file:///etc/passwd', 'protocol'],
    ['gopher://hooks.example.com/', 'protocol'],
    ['http://user:pass@hooks.example.com/hook', 'credentials'],
    ['http://user@hooks.example.com/hook', 'credentials'],
    ['not a url', 'invalid_url'],
    ['https://unknown.example.com/hook', 'dns'],
  ])('rejects %s (%s)', async (url, rule) => {
    expect(ssrfRuleOf(await rejection(guard, url))).toBe(rule);
  });

  it('accepts a name resolving to public addresses and returns them', async () => {
    await expect(guard.check('https://hooks.example.com/hook?x=1')).resolves.toEqual(['93.184.215.14']);
    await expect(guard.check('http://v6.example.com:8443/hook')).resolves.toEqual(['2606:4700::6810:84e5']);
  });

  it('accepts public literal IPs without asking DNS', async () => {
    const lookup = stubLookup({});
    const literal = guardWith({ allowPrivate: false, lookup });
    await expect(literal.check('http://8.8.8.8/hook')).resolves.toEqual(['8.8.8.8']);
    await expect(literal.check('http://[2606:4700::1111]/hook')).resolves.toEqual(['2606:4700::1111']);
    await expect(literal.check('http://134744072/hook')).resolves.toEqual(['8.8.8.8']);
    expect(lookup.calls).toEqual([]);
  });
});

describe('checkOutboundUrl (allowPrivate: true)', () => {
  const guard = guardWith({ allowPrivate: true, lookup: stubLookup(DNS) });

  it('accepts loopback and private targets', async () => {
    await expect(guard.check('http://127.0.0.1:8080/hook')).resolves.toEqual(['127.0.0.1']);
    await expect(guard.check('http://localhost/hook')).resolves.toEqual(['127.0.0.1', '::1']);
    await expect(guard.check('http://10.0.0.1/hook')).resolves.toEqual(['10.0.0.1']);
  });

  it('still enforces protocol and credentials', async () => {
    expect(ssrfRuleOf(await rejection(guard, 'ftp://127.0.0.1/hook'))).toBe('protocol');
    expect(ssrfRuleOf(await rejection(guard, 'http://user:pass@127.0.0.1/hook'))).toBe('credentials');
  });
});

describe('cloud metadata endpoints are refused in every mode', () => {
  // Decisions only: the guard is asked, nothing is ever sent to these addresses.
  const lenient = guardWith({ allowPrivate: true, lookup: stubLookup({ 'imds.example.com': ['169.254.169.254'], 'imds6.example.com': ['fd00:ec2::254'] }) });

  it.each([
    'http://169.254.169.254/latest/meta-data/',
    'http://169.254.170.2/v2/credentials',
    'http://2852039166/latest/meta-data/', // decimal
    'http://0xa9fea9fe/latest/meta-data/', // hex
    'http://0251.0376.0251.0376/latest/meta-data/', // octal
    'http://169.254.43518/', // short form
    'http://[::ffff:169.254.169.254]/',
    'http://[::ffff:a9fe:a9fe]/',
    'http://[64:ff9b::a9fe:a9fe]/', // NAT64
    'http://[2002:a9fe:a9fe::1]/', // 6to4
    'http://[fd00:ec2::254]/latest/meta-data/',
    'http://[fd00:ec2:0:0:0:0:0:254]/',
    'http://[FD00:0EC2::0254]/',
    'http://100.100.100.200/latest/meta-data/',
    'http://imds.example.com/', // a name that resolves there
    'http://imds6.example.com/',
  ])('refuses %s with allowPrivate: true', async (url) => {
    const err = await rejection(lenient, url);
    expect(ssrfRuleOf(err)).toBe('blocked_address');
    expect(err.message).toContain('metadata');
  });

  it('refuses metadata names with allowPrivate: true, and still allows local receivers', async () => {
    expect(ssrfRuleOf(await rejection(lenient, 'http://metadata.google.internal/computeMetadata/v1/'))).toBe('blocked_host');
    await expect(lenient.check('http://127.0.0.1:8080/hook')).resolves.toEqual(['127.0.0.1']);
    await expect(lenient.check('http://[fd00::1]/hook')).resolves.toEqual(['fd00::1']);
    await expect(lenient.check('http://192.168.1.10/hook')).resolves.toEqual(['192.168.1.10']);
  });

  it('isMetadataAddress judges parsed addresses', () => {
    expect(isMetadataAddress('169.254.169.254')).toBe(true);
    expect(isMetadataAddress('169.254.0.1')).toBe(true);
    expect(isMetadataAddress('fd00:ec2::254')).toBe(true);
    expect(isMetadataAddress('fd00:ec2::253')).toBe(false);
    expect(isMetadataAddress('100.100.100.201')).toBe(false);
    expect(isMetadataAddress('169.255.0.1')).toBe(false);
    expect(isMetadataAddress('garbage')).toBe(false);
  });
});

describe('blockedRange', () => {
  it('passes only public unicast', () => {
    expect(blockedRange('93.184.215.14')).toBeUndefined();
    expect(blockedRange('64:ff9b::5db8:d70e')).toBeUndefined(); // NAT64 of a public address
    expect(blockedRange('::ffff:8.8.8.8')).toBeUndefined();
    expect(blockedRange('64:ff9b:1::a00:1')).toBe('rfc6052 unknown');
    expect(blockedRange('2001:db8::1')).toBe('reserved');
    expect(blockedRange('garbage')).toBe('unparseable');
  });
});
