import type { LookupFunction } from 'node:net';
import { isIP } from 'node:net';

/**
 * A `net.connect` lookup that answers every name with `addresses` — the ones `checkOutboundUrl`
 * approved — IPv4 first, never asking DNS again: a DNS answer that changes between the check and
 * the connection (rebinding) cannot redirect the request. Give it to an undici `Agent`'s
 * `connect.lookup`; TLS still verifies the certificate against the URL's host name.
 */
export function pinnedLookup(addresses: readonly string[]): LookupFunction {
  const entries = addresses
    .map((address) => ({ address, family: isIP(address) }))
    .filter((e) => e.family !== 0)
    .sort((a, b) => a.family - b.family);
  return (_hostname, options, callback) => {
    const wanted = options.family === 4 || options.family === 6 ? entries.filter((e) => e.family === options.family) : entries;
    const first = wanted[0];
    if (!first) {
      const err: NodeJS.ErrnoException = new Error('no checked address for this host');
      err.code = 'ENOTFOUND';
      callback(err, '', 0);
      return;
    }
    if (options.all) (callback as unknown as (err: null, all: typeof wanted) => void)(null, wanted);
    else callback(null, first.address, first.family);
  };
}
