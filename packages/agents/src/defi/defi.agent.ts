import { blockTimestampReader, DEX_DEPLOYMENTS, findBlocksByTimestamp } from '@oca/chain';
import type { DefiData, DefiTvlAsset } from '@oca/contracts';
import type { Address } from 'viem';
import { abortable } from '../abort';
import type { Agent, AgentContext } from '../types';
import { checksummedAddress } from '../checksum';
import { readAdmin } from './admin';
import { DefiParams, DefiResult } from './defi-contract';
import { defiFindings, defiSummary } from './defi-report';
import { detect } from './detect';
import { readDexPool } from './dex-pool';
import { readLending } from './lending';
import { readVault } from './vault';

/**
 * What a DeFi address is and what it holds, earns and risks, at one block:
 *
 * 1. the block and the window's first block (by timestamp);
 * 2. the interface probe (`detect`): Aave V3 Pool, Uniswap V3 or V2 pool, ERC-4626 vault, or unknown;
 * 3. by kind: a pool's balances, the window's swaps and prices, the V2 LP token's holders; a
 *    lending market's reserves (rates, caps, oracle sources, aToken and debt token supplies); a
 *    vault's assets and share price at both ends of the window;
 * 4. admin powers of the contracts involved (owner, pause, EIP-1967 proxy slots).
 *
 * TVL is DefiLlama's: what the contracts hold (lending: supplied − borrowed per reserve, so
 * nothing is counted twice), valued through DEX prices (`readUsdPrices`); an unpriced asset is
 * listed and left out of the sum.
 */
export const defiAgent: Agent<DefiParams, DefiResult> = {
  name: 'defi',
  params: DefiParams,
  result: DefiResult,

  async run(params: DefiParams, ctx: AgentContext): Promise<DefiResult> {
    const address = checksummedAddress(params.address, 'address');
    const { signal } = ctx;
    signal.throwIfAborted();
    const client = ctx.chain.get(params.network);
    const deployment = DEX_DEPLOYMENTS[params.network];

    // 1. The block, the window.
    const latest = await abortable(client.getBlock({ blockTag: 'latest' }), signal);
    const blockNumber = latest.number;
    const fromTimestamp = latest.timestamp - BigInt(params.windowHours) * 3600n;
    const [found, detection] = await abortable(
      Promise.all([findBlocksByTimestamp(blockTimestampReader(client), { number: blockNumber, timestamp: latest.timestamp }, [fromTimestamp]), detect(client, address, blockNumber)]),
      signal,
    );
    const before = found.blocks[0] ?? null;
    const fromBlock = before === null ? 0n : before + 1n > blockNumber ? blockNumber : before + 1n;
    const window = { hours: params.windowHours, fromBlock: fromBlock.toString(), fromTimestamp: Number(fromTimestamp), blockTimestamp: Number(latest.timestamp) };

    let tvlAssets: DefiTvlAsset[] | null = null;
    let method = '';
    const data: DefiData = { kind: detection.kind, probes: detection.probes, tvl: null, window, pool: null, lending: null, vault: null, admin: [] };
    let admins: { address: Address; role: string; knownAdmin?: Address }[] = [{ address, role: 'analysed contract' }];
    let logRequests = 0;

    // 3. By kind.
    if (detection.kind === 'uniswap-v2-pool' || detection.kind === 'uniswap-v3-pool') {
      const version = detection.kind === 'uniswap-v2-pool' ? 'v2' : 'v3';
      const read = await abortable(
        readDexPool(client, deployment, address, version, detection.token0!, detection.token1!, detection.factory, { fromBlock, hours: params.windowHours }, blockNumber, signal),
        signal,
      );
      data.pool = read.pool;
      tvlAssets = read.tvlAssets;
      logRequests = read.logRequests;
      method = "both tokens' balanceOf the pool, valued through DEX prices";
      admins = [{ address, role: 'pool' }, ...(detection.factory ? [{ address: detection.factory, role: 'factory' }] : [])];
    } else if (detection.kind === 'aave-v3-pool') {
      const provider = detection.addressesProvider!;
      const read = await abortable(readLending(client, deployment, address, provider, detection.reservesList!, blockNumber), signal);
      data.lending = read.lending;
      tvlAssets = read.tvlAssets;
      method = "per reserve: aToken totalSupply − variable and stable debt totalSupply (supplied − borrowed), valued through DEX prices";
      admins = [
        { address, role: 'pool', knownAdmin: provider },
        { address: provider, role: 'addresses provider' },
        ...(read.configurator ? [{ address: read.configurator as Address, role: 'pool configurator', knownAdmin: provider }] : []),
        ...(read.lending.oracle ? [{ address: read.lending.oracle as Address, role: 'price oracle' }] : []),
      ];
    } else if (detection.kind === 'erc4626-vault') {
      const fromStamp = fromBlock === blockNumber ? latest.timestamp : (await abortable(client.getBlock({ blockNumber: fromBlock }), signal)).timestamp;
      const read = await abortable(
        readVault(client, deployment, address, detection.asset!, { block: fromBlock, timestamp: fromStamp }, { block: blockNumber, timestamp: latest.timestamp }),
        signal,
      );
      data.vault = read.vault;
      tvlAssets = read.tvlAssets;
      method = 'totalAssets() of the vault, valued through DEX prices';
      admins = [{ address, role: 'vault' }];
    }
    if (tvlAssets) {
      const priced = tvlAssets.filter((a) => a.usd !== null);
      data.tvl = {
        usd: priced.length === 0 ? null : priced.reduce((s, a) => s + a.usd!, 0),
        method,
        assets: tvlAssets,
        unpriced: tvlAssets.filter((a) => a.usd === null).map((a) => a.token),
      };
    }
    // 4. Admin powers.
    data.admin = detection.kind === 'unknown' ? [] : await abortable(readAdmin(client, admins, blockNumber), signal);

    ctx.logger.debug({ network: params.network, target: address, kind: detection.kind, blockNumber: blockNumber.toString(), logRequests }, 'defi agent read');
    const facts = { network: params.network, address, blockNumber, data };
    return {
      agent: 'defi',
      network: params.network,
      target: address,
      blockNumber: blockNumber.toString(),
      generatedAt: ctx.now().toISOString(),
      summary: defiSummary(facts),
      findings: defiFindings(facts),
      data,
    };
  },
};
