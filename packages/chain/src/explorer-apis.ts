import { NETWORKS, type Network } from '@oca/contracts';
import type { ExplorerApiConfig } from './address-history';

/** The variables that configure a network's explorer API, e.g. `EXPLORER_API_URL_ETHEREUM` and `EXPLORER_API_KEY_ETHEREUM`. */
export function explorerApiVariables(network: Network): { url: string; key: string } {
  const suffix = network.toUpperCase();
  return { url: `EXPLORER_API_URL_${suffix}`, key: `EXPLORER_API_KEY_${suffix}` };
}

/**
 * Reads `EXPLORER_API_URL_<NETWORK>` (an Etherscan-compatible endpoint, e.g. Etherscan V2's with its
 * `chainid`) and `EXPLORER_API_KEY_<NETWORK>` for every known network; networks without a URL are
 * left out. `allowPrivate` lets the URL be a loopback or private address (local test servers only).
 * Pure: the caller passes the environment (with `_FILE` variants already resolved).
 *
 * @throws Error naming the variable when a URL is not an http(s) URL — never repeating the value.
 */
export function parseExplorerApis(env: Record<string, string | undefined>, allowPrivate = false): Partial<Record<Network, ExplorerApiConfig>> {
  const result: Partial<Record<Network, ExplorerApiConfig>> = {};
  for (const network of NETWORKS) {
    const variables = explorerApiVariables(network);
    const baseUrl = env[variables.url]?.trim();
    if (!baseUrl) continue;
    let protocol: string;
    try {
      protocol = new URL(baseUrl).protocol;
    } catch {
      throw new Error(`${variables.url}: not a valid URL`);
    }
    if (protocol !== 'http:' && protocol !== 'https:') throw new Error(`${variables.url}: only http(s) URLs are supported, got ${protocol}`);
    const apiKey = env[variables.key]?.trim() || undefined;
    result[network] = { baseUrl, apiKey, allowPrivate };
  }
  return result;
}
