import { promises as dns } from 'node:dns';
import ipaddr from 'ipaddr.js';

/** One resolved address, as `dns.promises.lookup(host, {all: true})` returns it. */
export interface ResolvedAddress {
  address: string;
  family: number;
}

/** How a host name becomes addresses. */
export type OutboundLookup = (hostname: string) => Promise<ResolvedAddress[]>;

/** Which rule refused a URL; `dns` (the name did not resolve) may be temporary, the others never are. */
export type OutboundRule = 'invalid_url' | 'protocol' | 'credentials' | 'blocked_host' | 'blocked_address' | 'dns';

/** Options for `checkOutboundUrl`. */
export interface OutboundUrlOptions {
  /**
   * Skip the name and address-range checks so the URL may reach loopback and private networks (a
   * receiver or test server on the local machine or network). Local development and tests only;
   * the protocol and credential checks still apply, and instance-metadata endpoints stay refused.
   * @default false
   */
  allowPrivate?: boolean;
  /** @default dns.promises.lookup(host, {all: true, verbatim: true}) */
  lookup?: OutboundLookup;
}

/** A URL this process must not call, and the rule that says so. Messages name the host, never the URL (its query may carry an API key). */
export class OutboundUrlRejectedError extends Error {
  readonly code = 'outbound_url_rejected' as const;

  constructor(
    readonly rule: OutboundRule,
    message: string,
  ) {
    super(message);
    this.name = 'OutboundUrlRejectedError';
  }
}

/**
 * Names that reach a cloud provider's instance metadata service (credentials!), refused whatever the
 * resolver answers and even with allowPrivate. The address check catches them as well when they
 * resolve to 169.254.169.254; the list makes the refusal independent of the resolver.
 */
const METADATA_HOSTNAMES = new Set([
  'metadata',
  'metadata.google.internal',
  'metadata.goog',
  'metadata.azure.internal',
  'instance-data',
  'instance-data.ec2.internal',
]);

/**
 * Instance-metadata endpoints (they hand out the host's cloud credentials). Never called, in any mode:
 * `allowPrivate` is for receivers on the local machine or network, not for these.
 * IPv4: the whole link-local /16 (AWS, GCP, Azure, OCI, DigitalOcean at 169.254.169.254; ECS task
 * metadata at 169.254.170.2; AWS DNS and NTP beside them) and Alibaba Cloud's 100.100.100.200.
 * IPv6: AWS's IMDS at fd00:ec2::254. IPv6 forms that embed an IPv4 address are judged by it.
 */
const METADATA_IPV4_CIDRS: ReadonlyArray<[ipaddr.IPv4, number]> = [
  [ipaddr.IPv4.parse('169.254.0.0'), 16],
  [ipaddr.IPv4.parse('100.100.100.200'), 32],
];
const METADATA_IPV6 = new Set(['fd00:ec2::254'].map((a) => ipaddr.IPv6.parse(a).toNormalizedString()));

/** IPv6 ranges that carry an IPv4 address inside; the embedded address decides. */
const EMBEDS_IPV4 = new Set(['ipv4Mapped', 'rfc6145', 'rfc6052', '6to4']);

const defaultLookup: OutboundLookup = (hostname) => dns.lookup(hostname, { all: true, verbatim: true });

/**
 * The rules for every URL the platform calls on someone else's say (webhook receivers, NFT
 * metadata hosts, explorer APIs): http(s) only, no credentials in the URL, never an instance-
 * metadata host or address in any mode, and unless `allowPrivate`, not the local host by name and
 * only public unicast addresses. Resolves to the addresses it approved; connect to exactly those
 * (`pinnedLookup`), so a DNS answer that changes between check and connect (rebinding) cannot
 * redirect the request.
 *
 * @throws OutboundUrlRejectedError
 */
export async function checkOutboundUrl(url: string, options: OutboundUrlOptions = {}): Promise<string[]> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new OutboundUrlRejectedError('invalid_url', 'URL is not a valid URL');
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new OutboundUrlRejectedError('protocol', `URL must use http or https, not ${parsed.protocol.replace(/:$/, '')}`);
  }
  if (parsed.username !== '' || parsed.password !== '') throw new OutboundUrlRejectedError('credentials', 'URL must not contain credentials');
  // WHATWG URL parsing already turned decimal, hex and octal IPv4 forms into dotted quads.
  const host = hostOf(parsed);
  if (METADATA_HOSTNAMES.has(host)) throw new OutboundUrlRejectedError('blocked_host', `host ${host} is a metadata service`);
  // RFC 6761: *.localhost is loopback whatever a resolver says.
  if (!options.allowPrivate && (host === 'localhost' || host.endsWith('.localhost'))) {
    throw new OutboundUrlRejectedError('blocked_host', `host ${host} is the local host`);
  }

  const addresses = ipaddr.isValid(host) ? [ipaddr.parse(host).toString()] : await resolve(host, options.lookup ?? defaultLookup);
  for (const address of addresses) {
    if (!options.allowPrivate) {
      const range = blockedRange(address);
      if (range) throw new OutboundUrlRejectedError('blocked_address', `host ${host} resolves to a non-public address (${range})`);
    }
    if (isMetadataAddress(address)) throw new OutboundUrlRejectedError('blocked_address', `host ${host} resolves to a cloud metadata address (${address})`);
  }
  return addresses;
}

async function resolve(host: string, lookup: OutboundLookup): Promise<string[]> {
  let records: ResolvedAddress[];
  try {
    records = await lookup(host);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'lookup failed';
    throw new OutboundUrlRejectedError('dns', `host ${host} does not resolve (${code})`);
  }
  if (records.length === 0) throw new OutboundUrlRejectedError('dns', `host ${host} does not resolve`);
  return [...new Set(records.map((r) => r.address))];
}

/** Lower-case host without IPv6 brackets or a trailing dot (`localhost.` is `localhost`). */
function hostOf(url: URL): string {
  let host = url.hostname.toLowerCase();
  if (host.startsWith('[') && host.endsWith(']')) host = host.slice(1, -1);
  return host.replace(/\.+$/, '');
}

/**
 * The ipaddr.js range name when `address` is not public unicast, else undefined. Allow-list: only
 * `unicast` passes, so loopback, private, link-local (incl. 169.254.169.254), unique-local,
 * unspecified, CGNAT, multicast, broadcast and reserved ranges are all refused.
 */
export function blockedRange(address: string): string | undefined {
  let ip: ipaddr.IPv4 | ipaddr.IPv6;
  try {
    ip = ipaddr.parse(address);
  } catch {
    return 'unparseable';
  }
  if (ip.kind() === 'ipv6') {
    const v6 = ip as ipaddr.IPv6;
    const range = v6.range();
    if (EMBEDS_IPV4.has(range)) {
      const embedded = embeddedIpv4(v6, range);
      const inner = embedded?.range();
      return inner === 'unicast' ? undefined : `${range} ${inner ?? 'unknown'}`;
    }
    return range === 'unicast' ? undefined : range;
  }
  const range = (ip as ipaddr.IPv4).range();
  return range === 'unicast' ? undefined : range;
}

/** True for an instance-metadata address in any spelling the parser accepts (see METADATA_IPV4_CIDRS). */
export function isMetadataAddress(address: string): boolean {
  let ip: ipaddr.IPv4 | ipaddr.IPv6;
  try {
    ip = ipaddr.parse(address);
  } catch {
    return false;
  }
  if (ip.kind() === 'ipv6') {
    const v6 = ip as ipaddr.IPv6;
    if (METADATA_IPV6.has(v6.toNormalizedString())) return true;
    const range = v6.range();
    const embedded = EMBEDS_IPV4.has(range) ? embeddedIpv4(v6, range) : undefined;
    if (!embedded) return false;
    ip = embedded;
  }
  const v4 = ip as ipaddr.IPv4;
  return METADATA_IPV4_CIDRS.some(([base, bits]) => v4.match(base, bits));
}

function embeddedIpv4(ip: ipaddr.IPv6, range: string): ipaddr.IPv4 | undefined {
  const p = ip.parts;
  // Only the well-known NAT64 prefix 64:ff9b::/96 puts the address in the last 32 bits; the
  // local-use 64:ff9b:1::/48 may place it elsewhere, so it is refused rather than guessed.
  if (range === 'rfc6052' && (p[0] !== 0x64 || p[1] !== 0xff9b || p.slice(2, 6).some((x) => x !== 0))) return undefined;
  // 6to4 (2002:AABB:CCDD::/16) carries the address right after the prefix; the others in the last 32 bits.
  const [hi, lo] = range === '6to4' ? [p[1], p[2]] : [p[6], p[7]];
  if (hi === undefined || lo === undefined) return undefined;
  return new ipaddr.IPv4([hi >> 8, hi & 0xff, lo >> 8, lo & 0xff]);
}
