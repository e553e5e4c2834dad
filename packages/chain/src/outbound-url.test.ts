import { checkOutboundUrl, OutboundUrlRejectedError } from './outbound-url';

const resolvesTo = (...addresses: string[]) => async () => addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));

describe('checkOutboundUrl', () => {
  it('accepts public http(s) hosts', async () => {
    await expect(checkOutboundUrl('https://api.example/v2/api?chainid=1', { lookup: resolvesTo('93.184.216.34') })).resolves.toBeUndefined();
  });

  it.each([
    ['not a url', /not a valid URL/],
    ['ftp://host/x', /only http\(s\)/],
    ['https://user:pw@api.example/', /credentials/],
    ['http://metadata.google.internal/', /metadata/],
    ['http://10.0.0.1/', /private address/],
    ['http://[::1]:8080/', /loopback address/],
    ['http://[::ffff:169.254.169.254]/', /metadata/],
    ['http://[fd00:ec2::254]/', /metadata/],
  ])('refuses %s', async (url, message) => {
    await expect(checkOutboundUrl(url)).rejects.toThrow(message);
  });

  it('judges names by what they resolve to; allowPrivate opens loopback but never metadata', async () => {
    await expect(checkOutboundUrl('http://internal.example/', { lookup: resolvesTo('93.184.216.34', '192.168.1.2') })).rejects.toBeInstanceOf(OutboundUrlRejectedError);
    await expect(checkOutboundUrl('http://127.0.0.1:1/', { allowPrivate: true })).resolves.toBeUndefined();
    await expect(checkOutboundUrl('http://100.100.100.200/', { allowPrivate: true })).rejects.toThrow(/metadata/);
    await expect(checkOutboundUrl('http://nowhere.example/', { lookup: async () => [] })).rejects.toThrow(/did not resolve/);
    await expect(checkOutboundUrl('http://nowhere.example/', { lookup: async () => Promise.reject(new Error('ENOTFOUND')) })).rejects.toThrow(/did not resolve/);
  });
});
