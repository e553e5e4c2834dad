import { promises as dns } from 'node:dns';
import ipaddr from 'ipaddr.js';

/** How a host name becomes addresses, as `dns.promises.lookup(host, {all: true})` answers. */
export type OutboundLookup = (hostname: string) => Promise<{ address: string; family: number }[]>;

/** Options for `checkOutboundUrl`. */
export interface OutboundUrlOptions {
  /**
   * Let the URL reach loopback and private networks (a local test server on 127.0.0.1). Instance
   * metadata endpoints stay refused either way.
   * @default false
   */
  allowPrivate?: boolean;
  /** @default dns.promises.lookup(host, {all: true, verbatim: true}) */
  lookup?: OutboundLookup;
}

/** The URL an operator configured points where this process must not call. */
export class OutboundUrlRejectedError extends Error {
  readonly code = 'outbound_url_rejected' as const;

  constructor(message: string) {
    super(message);
    this.name = 'OutboundUrlRejectedError';
  }
}

/** Names that reach a cloud provider's instance metadata service, refused whatever they resolve to. */
const METADATA_HOSTNAMES = new Set(['metadata', 'metadata.google.internal', 'metadata.goog', 'metadata.azure.internal', 'instance-data', 'instance-data.ec2.internal']);

/**
 * The same rules as the gateway's webhook SSRF guard (services/gateway/src/webhooks/ssrf-guard.ts),
 * for URLs the agents call (an Etherscan-compatible API): http(s) only, no credentials in the URL,
 * never an instance-metadata host or address (169.254.0.0/16, 100.100.100.200, fd00:ec2::254),
 * and unless `allowPrivate`, every address the host resolves to must be public unicast.
 * Messages never repeat the URL: its query may carry an API key.
 *
 * @throws OutboundUrlRejectedError
 */
export async function checkOutboundUrl(url: string, options: OutboundUrlOptions = {}): Promise<void> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new OutboundUrlRejectedError('not a valid URL');
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new OutboundUrlRejectedError(`only http(s) URLs are allowed, got ${parsed.protocol}`);
  if (parsed.username || parsed.password) throw new OutboundUrlRejectedError('credentials in the URL are not allowed');
  const host = parsed.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (METADATA_HOSTNAMES.has(host)) throw new OutboundUrlRejectedError('instance metadata hosts are never called');
  const addresses = ipaddr.isValid(host) ? [host] : (await resolve(host, options.lookup)).map((a) => a.address);
  for (const address of addresses) {
    const ip = unwrap(ipaddr.parse(address));
    if (isMetadata(ip)) throw new OutboundUrlRejectedError('instance metadata addresses are never called');
    if (!options.allowPrivate && ip.range() !== 'unicast') throw new OutboundUrlRejectedError(`the host resolves to a ${ip.range()} address; only public addresses are allowed`);
  }
}

async function resolve(host: string, lookup: OutboundLookup = (h) => dns.lookup(h, { all: true, verbatim: true })) {
  try {
    const answers = await lookup(host);
    if (answers.length === 0) throw new Error('no address');
    return answers;
  } catch {
    throw new OutboundUrlRejectedError('the host name did not resolve');
  }
}

/** IPv6 forms that embed an IPv4 address are judged by it. */
function unwrap(ip: ipaddr.IPv4 | ipaddr.IPv6): ipaddr.IPv4 | ipaddr.IPv6 {
  return ip.kind() === 'ipv6' && (ip as ipaddr.IPv6).isIPv4MappedAddress() ? (ip as ipaddr.IPv6).toIPv4Address() : ip;
}

function isMetadata(ip: ipaddr.IPv4 | ipaddr.IPv6): boolean {
  if (ip.kind() === 'ipv4') {
    const v4 = ip as ipaddr.IPv4;
    return v4.match(ipaddr.IPv4.parse('169.254.0.0'), 16) || v4.toString() === '100.100.100.200';
  }
  return (ip as ipaddr.IPv6).toNormalizedString() === ipaddr.IPv6.parse('fd00:ec2::254').toNormalizedString();
}
