import { deployLimitsScenario, deployTokenScenario, MULTICALL3_ADDRESS, placeEthereumDex, PROVIDER_PROFILES, startMainnetShapedAnvil, startRpcProxy, type LimitsScenario, type MainnetShapedAnvil, type ProviderProfileName, type RpcProxy, type SecurityTokenKey, type TokenScenario } from '@oca/testkit';
import type { Address } from 'viem';
import type { SecurityResult } from '../../src/security/schemas';
import { analyseSecurity } from './analyse-security';
import { expectLimitsFound } from './limits-truth';

// The security agent on a chain shaped like mainnet — history from block 18,000,000, chain id 1,
// Multicall3 present, WETH9 and the Uniswap V2/V3 factories at Ethereum's own addresses — run as
// network `ethereum`, as a user's job runs it (viem's mainnet definition folds its eth_calls into
// Multicall3), behind a proxy that refuses what QuickNode, Infura, Alchemy and public nodes refuse.
// On the devnet every scan from block 0 is a few hundred blocks; here it would be 18 million, so
// the agent must find where the token's history starts.
jest.setTimeout(120_000);

/** A clean token, a honeypot for everyone but the owner, and a V3-only token (Mint-history scan). */
const TOKENS: SecurityTokenKey[] = ['clean', 'ownerSellOnly', 'v3Clean'];
/** Those, and a token with buy, sale and wallet caps (the limits bisection's ground truth). */
type Target = SecurityTokenKey | 'limits';
const TARGETS: Target[] = [...TOKENS, 'limits'];
const PROFILES = Object.keys(PROVIDER_PROFILES) as ProviderProfileName[];

let anvil: MainnetShapedAnvil;
let scenario: TokenScenario;
let limitsScenario: LimitsScenario;
let proxy: RpcProxy;
/** Each token analysed against the node directly: what every profile must reproduce. */
const direct = new Map<Target, SecurityResult>();
const addressOf = (key: Target): Address => (key === 'limits' ? limitsScenario.token : scenario.tokens[key].address);

beforeAll(async () => {
  anvil = await startMainnetShapedAnvil();
  const dex = await placeEthereumDex(anvil.rpcUrl);
  scenario = await deployTokenScenario(anvil.rpcUrl, dex);
  limitsScenario = await deployLimitsScenario(anvil.rpcUrl, dex);
  proxy = await startRpcProxy({ upstream: anvil.rpcUrl });
  for (const key of TARGETS) direct.set(key, await analyseSecurity(anvil.rpcUrl, addressOf(key), 'ethereum'));
});

afterAll(async () => {
  await proxy?.stop();
  await anvil?.stop();
});

describe('directly against the mainnet-shaped node', () => {
  it.each(TOKENS)('%s: holders are read from the token\'s creation, not from block 0', (key) => {
    const holders = direct.get(key)!.data.holders!;
    expect(holders).not.toBeNull();
    expect(BigInt(holders.scannedFromBlock)).toBeGreaterThan(anvil.firstBlock);
    expect(holders.historyComplete).toBe(true);
    expect(holders.holderCount).toBeGreaterThan(1);
  });

  it('finds the pools at Ethereum\'s own factories and names their DEX', () => {
    expect(direct.get('clean')!.data.trading).toMatchObject({ dex: 'uniswap-v2', quoteToken: scenario.weth });
    expect(direct.get('v3Clean')!.data.trading).toMatchObject({ dex: 'uniswap-v3', quoteToken: scenario.weth });
  });

  it.each(['clean', 'ownerSellOnly', 'v3Clean'] as const)('%s: reads folded into Multicall3 answer what plain JSON-RPC batches answer', async (key) => {
    // The same token read as `devnet` (viem's foundry definition: no Multicall3, every eth_call its
    // own JSON-RPC call). The DEX is not at the devnet's listed addresses, so only the pools' names differ.
    const plain = await analyseSecurity(anvil.rpcUrl, addressOf(key), 'devnet');
    const unnamed = (r: SecurityResult) => JSON.parse(JSON.stringify(r.data).replace(/"(dex|dexName)":"(unlisted|uniswap)-(v2|v3)"/g, '"$1":"$3"')) as unknown;
    expect(plain.data.trading.dex).toMatch(/^unlisted-/);
    expect(unnamed(direct.get(key)!)).toEqual(unnamed(plain));
  });

  it('still catches the honeypot', () => {
    expect(direct.get('ownerSellOnly')!.data.trading.isHoneypot).toBe(true);
    expect(direct.get('clean')!.data.trading.isHoneypot).toBe(false);
  });

  it('probes the buy, sale and wallet caps by bisection (chain id 1, base fee, present-day time)', async () => {
    await expectLimitsFound(anvil.rpcUrl, limitsScenario, direct.get('limits')!);
    // A token without caps: each search's top went through, in 3 swaps.
    expect(direct.get('clean')!.data.trading.limits).toMatchObject({ maxBuy: { limit: null }, maxSell: { limit: null }, maxWallet: null, trials: 3 });
  });
});

describe('behind each provider profile', () => {
  const rows: string[] = [];
  afterAll(() => console.log(`security agent on the 18 M-block chain: profile, token, HTTP requests, JSON-RPC calls, refusals\n${rows.join('\n')}`));

  it.each(PROFILES)('%s: the same holders, liquidity and verdict as the node itself gives', async (name) => {
    proxy.setProfile(PROVIDER_PROFILES[name]);
    try {
      for (const key of TARGETS) {
        const first = proxy.requests.length;
        const refusedBefore = proxy.refusals.logs + proxy.refusals.batch;
        const result = await analyseSecurity(proxy.url, addressOf(key), 'ethereum');
        const requests = proxy.requests.slice(first);
        // Its eth_calls went through Multicall3, as on the real chain.
        expect(requests.flatMap((r) => r.calls).some((c) => c.method === 'eth_call' && (c.params[0] as { to?: string }).to?.toLowerCase() === MULTICALL3_ADDRESS.toLowerCase())).toBe(true);
        rows.push(`${name.padEnd(10)} ${key.padEnd(14)} ${String(requests.length).padStart(3)} ${String(requests.flatMap((r) => r.calls).length).padStart(5)} ${String(proxy.refusals.logs + proxy.refusals.batch - refusedBefore).padStart(3)}`);
        const expected = direct.get(key)!;
        expect(result.data.holders).toEqual(expected.data.holders);
        expect(result.data.liquidity).toEqual(expected.data.liquidity);
        expect(result.data.trading).toEqual(expected.data.trading);
        expect(result.data.score).toEqual(expected.data.score);
        // Within the budgets of a real provider: a handful of round trips, never thousands of pages.
        expect(requests.length).toBeLessThanOrEqual(16);
      }
    } finally {
      proxy.setProfile(undefined);
    }
  });
});
