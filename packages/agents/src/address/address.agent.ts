import { AddressParams, AddressResult, type AddressData } from '@oca/contracts';
import { formatEther, getAddress } from 'viem';
import { abortable } from '../abort';
import { checksummedAddress } from '../checksum';
import type { Agent, AgentContext } from '../types';
import { proxyFromSlots, readAccount, readBeaconImplementation } from './account-read';
import { addressFindings, addressSummary } from './address-report';
import { classifyToken, probeToken } from './token-probe';

/**
 * What is at an address: EOA or contract, balance, nonce, code hash, token standard and EIP-1967
 * proxy slots — all read at one block, so the figures are consistent with each other.
 *
 * Round trips: block number, then account reads and token probes together (one batch), then the
 * beacon's implementation for beacon proxies only. Probes go out before the code is known
 * because an EOA answers them with empty data, which is cheaper than a third round trip.
 */
export const addressAgent: Agent<AddressParams, AddressResult> = {
  name: 'address',
  params: AddressParams,
  result: AddressResult,

  async run(params: AddressParams, ctx: AgentContext): Promise<AddressResult> {
    const target = checksummedAddress(params.address, 'address');
    ctx.signal.throwIfAborted();
    const client = ctx.chain.get(params.network);

    // cacheTime 0: viem caches the block number per client for its polling interval, and a stale
    // number would pin every read to an older block than "now".
    const blockNumber = await abortable(client.getBlockNumber({ cacheTime: 0 }), ctx.signal);
    const [account, probe] = await abortable(
      Promise.all([readAccount(client, target, blockNumber), probeToken(client, target, blockNumber)]),
      ctx.signal,
    );

    const isContract = account.codeSize > 0 && account.delegatedTo === null;
    const proxy = isContract ? proxyFromSlots(account.slots) : null;
    const beaconImplementation = proxy?.beacon
      ? await abortable(readBeaconImplementation(client, getAddress(proxy.beacon), blockNumber), ctx.signal)
      : null;

    const data: AddressData = {
      kind: isContract ? 'contract' : 'eoa',
      balanceWei: account.balanceWei.toString(),
      balance: formatEther(account.balanceWei),
      nonce: account.nonce,
      codeSize: account.codeSize,
      codeHash: account.codeHash,
      token: isContract ? classifyToken(probe) : null,
      proxy,
    };
    const facts = {
      network: params.network,
      target,
      blockNumber,
      nativeSymbol: client.chain.nativeCurrency.symbol,
      data,
      slots: account.slots,
      delegatedTo: account.delegatedTo,
      beaconImplementation,
    };
    ctx.logger.debug({ network: params.network, target, blockNumber: blockNumber.toString() }, 'address agent read');
    return {
      agent: 'address',
      network: params.network,
      target,
      blockNumber: blockNumber.toString(),
      generatedAt: ctx.now().toISOString(),
      summary: addressSummary(facts),
      findings: addressFindings(facts),
      data,
    };
  },
};
