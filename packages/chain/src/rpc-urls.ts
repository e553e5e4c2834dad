import { NETWORKS, type Network } from '@oca/contracts';

/** The environment variable that lists a network's RPC URLs, e.g. `RPC_URL_ETHEREUM`. */
export function rpcUrlVariable(network: Network): string {
  return `RPC_URL_${network.toUpperCase()}`;
}

/**
 * Reads `RPC_URL_<NETWORK>` for every known network. Each value is a comma-separated list of
 * http(s) URLs, tried in order (first is primary, the rest are fallbacks). Networks without a
 * variable, or with an empty one, are left out. Pure: the caller passes the environment, so only a
 * service's env.ts touches `process.env`.
 *
 * @throws Error naming the variable when a URL is not a valid http(s) URL — a typo in an RPC URL
 * should stop a service at start-up, not fail every job later.
 */
export function parseRpcUrls(env: Record<string, string | undefined>): Partial<Record<Network, string[]>> {
  const result: Partial<Record<Network, string[]>> = {};
  for (const network of NETWORKS) {
    const variable = rpcUrlVariable(network);
    const urls = (env[variable] ?? '')
      .split(',')
      .map((url) => url.trim())
      .filter((url) => url.length > 0);
    for (const url of urls) assertHttpUrl(variable, url);
    if (urls.length > 0) result[network] = urls;
  }
  return result;
}

function assertHttpUrl(variable: string, url: string): void {
  let protocol: string;
  try {
    protocol = new URL(url).protocol;
  } catch {
    // The URL itself may carry an API key, so it stays out of the message.
    throw new Error(`${variable}: not a valid URL`);
  }
  if (protocol !== 'http:' && protocol !== 'https:') {
    throw new Error(`${variable}: only http(s) URLs are supported, got ${protocol}`);
  }
}
