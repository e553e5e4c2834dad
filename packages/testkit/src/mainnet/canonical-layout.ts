import { DEX_DEPLOYMENTS } from '@oca/chain';
import { concatHex, createPublicClient, encodeAbiParameters, http, type Address, type Hex } from 'viem';
import { ARTIFACTS } from '../artifacts';
import { connectDeployer } from '../deployer';
import { UNISWAP_V3 } from '../markets/dex-core';

/**
 * Puts a contract at a fixed address as if it had been created there: its creation code is set as
 * the address's code and called once, so the constructor runs with `address(this)` being that
 * address and writes its storage there (owner, fee tiers, token names, ...); what the constructor
 * returns — the runtime code, immutables filled in — then becomes the address's code. anvil
 * cannot CREATE at an address whose creator and nonce are someone else's, and copying runtime code
 * alone would miss the constructor's storage and any immutable holding `address(this)` (Uniswap V3's
 * factory checks one on every `createPool`).
 */
export async function placeContract(rpcUrl: string, address: Address, creationCode: Hex): Promise<void> {
  const client = createPublicClient({ transport: http(rpcUrl) });
  const d = await connectDeployer(rpcUrl);
  const from = d.accounts[0]!;
  await client.request({ method: 'anvil_setCode', params: [address, creationCode] } as never);
  // The same call twice: once to read what it returns, once mined so its storage writes stay.
  const runtime = (await client.request({ method: 'eth_call', params: [{ from, to: address, data: '0x', gas: '0x1c9c380' }, 'latest'] } as never)) as Hex;
  await d.send(address, '0x', 30_000_000n);
  if (runtime === '0x') throw new Error(`the creation code placed at ${address} returned no runtime code`);
  await client.request({ method: 'anvil_setCode', params: [address, runtime] } as never);
}

/** The DEX contracts `placeEthereumDex` puts at Ethereum mainnet's addresses. */
export interface EthereumDexLayout {
  weth: Address;
  uniswapV2Factory: Address;
  uniswapV3Factory: Address;
  /** SushiSwap's factory (Uniswap V2's code): listed for Ethereum, so present, with no pairs. */
  sushiswapFactory: Address;
}

/**
 * WETH9 and the Uniswap V2 and V3 factories (npm bytecode) at the addresses `DEX_DEPLOYMENTS.ethereum`
 * lists, and SushiSwap's factory (Uniswap V2's code) at its own: a mainnet-shaped chain on which
 * the agents run as network `ethereum`, finding every DEX where they would on the real chain. The
 * scenarios then build their pools on these (`deployTokenScenario`'s `weth`/`uniswapV2Factory`/
 * `uniswapV3Factory` options). The V2 fee setter is anvil's first account. Forks listed for
 * Ethereum whose bytecode no package here ships (PancakeSwap) stay empty addresses.
 */
export async function placeEthereumDex(rpcUrl: string): Promise<EthereumDexLayout> {
  const listed = DEX_DEPLOYMENTS.ethereum;
  const v2 = (name: string) => listed.v2Factories.find((f) => f.name === name)?.address;
  const v3 = (name: string) => listed.v3Factories.find((f) => f.name === name)?.address;
  const layout = {
    weth: listed.wrappedNative.address,
    uniswapV2Factory: v2('uniswap-v2'),
    uniswapV3Factory: v3('uniswap-v3'),
    sushiswapFactory: v2('sushiswap'),
  };
  for (const [key, value] of Object.entries(layout)) if (!value) throw new Error(`DEX_DEPLOYMENTS.ethereum lists no ${key}`);
  const { accounts } = await connectDeployer(rpcUrl);
  const feeToSetter = encodeAbiParameters([{ type: 'address' }], [accounts[0]!]);
  await placeContract(rpcUrl, layout.weth, ARTIFACTS.weth9.bytecode);
  await placeContract(rpcUrl, layout.uniswapV2Factory!, concatHex([ARTIFACTS.uniswapV2Factory.bytecode, feeToSetter]));
  await placeContract(rpcUrl, layout.sushiswapFactory!, concatHex([ARTIFACTS.uniswapV2Factory.bytecode, feeToSetter]));
  await placeContract(rpcUrl, layout.uniswapV3Factory!, UNISWAP_V3.factory.bytecode);
  return layout as EthereumDexLayout;
}
