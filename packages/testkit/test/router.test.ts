import { createPublicClient, createWalletClient, getAddress, http, parseAbi, parseAbiItem, parseEther, type PublicClient } from 'viem';
import { foundry } from 'viem/chains';
import { ARTIFACTS, deployScenario, deployTokenScenario, startAnvil, type AnvilInstance, type Scenario } from '../src';

jest.setTimeout(60_000);

const pairAbi = parseAbi(['function getReserves() view returns (uint112, uint112, uint32)', 'function token0() view returns (address)']);
const erc20 = parseAbi(['function balanceOf(address) view returns (uint256)']);
const swapEvent = parseAbiItem('event Swap(address indexed sender, uint256 amount0In, uint256 amount1In, uint256 amount0Out, uint256 amount1Out, address indexed to)');

let anvil: AnvilInstance;
let scenario: Scenario;
let rpc: PublicClient;

beforeAll(async () => {
  anvil = await startAnvil();
  scenario = await deployScenario(anvil.rpcUrl);
  rpc = createPublicClient({ chain: foundry, transport: http(anvil.rpcUrl) });
});

afterAll(async () => {
  await anvil?.stop();
});

/** DEMO and WETH reserves of the DEMO/WETH pair, read from the pair itself. */
async function reserves(): Promise<{ demo: bigint; weth: bigint }> {
  const [[r0, r1], token0] = await Promise.all([
    rpc.readContract({ address: scenario.uniswapV2Pair, abi: pairAbi, functionName: 'getReserves' }),
    rpc.readContract({ address: scenario.uniswapV2Pair, abi: pairAbi, functionName: 'token0' }),
  ]);
  return token0 === scenario.erc20 ? { demo: r0, weth: r1 } : { demo: r1, weth: r0 };
}

/** Uniswap V2's getAmountOut, recomputed here. */
const amountOut = (amountIn: bigint, reserveIn: bigint, reserveOut: bigint) => (amountIn * 997n * reserveOut) / (reserveIn * 1000n + amountIn * 997n);

/**
 * Fixed gas for swaps: a pair's first swap in a new second also writes its price accumulators
 * (+20k gas per slot), so an estimate taken in the previous block's second can run out of gas.
 */
const SWAP_GAS = 400_000n;

describe('UniswapV2Router02 from npm', () => {
  const router = () => ({ address: scenario.uniswapV2Router, abi: ARTIFACTS.uniswapV2Router02.abi });

  it('is wired to the scenario factory and WETH9, and its addLiquidityETH funded the factory’s pair', async () => {
    expect(getAddress((await rpc.readContract({ ...router(), functionName: 'factory' })) as string)).toBe(scenario.uniswapV2Factory);
    expect(getAddress((await rpc.readContract({ ...router(), functionName: 'WETH' })) as string)).toBe(scenario.weth);
    // The router sends both sides to the address its pairFor computes with the hard-coded init-code
    // hash; the reserves can only be right if that is the pair the factory deployed.
    expect(await reserves()).toEqual({ demo: 10_000n * 10n ** 18n, weth: parseEther('10') });
  });

  it('quotes through pairFor (getAmountsOut) what the reserves promise', async () => {
    const { demo, weth } = await reserves();
    const amounts = (await rpc.readContract({ ...router(), functionName: 'getAmountsOut', args: [parseEther('1'), [scenario.weth, scenario.erc20]] })) as bigint[];
    expect(amounts).toEqual([parseEther('1'), amountOut(parseEther('1'), weth, demo)]);
  });

  it('swaps ETH for DEMO and back, moving the reserves by exactly the amounts', async () => {
    const [, trader] = (await createWalletClient({ chain: foundry, transport: http(anvil.rpcUrl) }).getAddresses()) as [unknown, `0x${string}`];
    const wallet = createWalletClient({ chain: foundry, transport: http(anvil.rpcUrl), account: trader });
    const deadline = (await rpc.getBlock()).timestamp + 600n;
    const wait = async (hash: `0x${string}`) => expect((await rpc.waitForTransactionReceipt({ hash, pollingInterval: 20 })).status).toBe('success');

    const before = await reserves();
    const ethIn = parseEther('0.5');
    const demoOut = amountOut(ethIn, before.weth, before.demo);
    await wait(await wallet.writeContract({ ...router(), functionName: 'swapExactETHForTokens', args: [demoOut, [scenario.weth, scenario.erc20], trader, deadline], value: ethIn, gas: SWAP_GAS }));
    const afterBuy = await reserves();
    expect(afterBuy).toEqual({ demo: before.demo - demoOut, weth: before.weth + ethIn });
    expect(await rpc.readContract({ address: scenario.erc20, abi: erc20, functionName: 'balanceOf', args: [trader] })).toBe(demoOut);

    const demoIn = demoOut / 2n;
    const wethOut = amountOut(demoIn, afterBuy.demo, afterBuy.weth);
    await wait(await wallet.writeContract({ address: scenario.erc20, abi: ARTIFACTS.erc20.abi, functionName: 'approve', args: [scenario.uniswapV2Router, demoIn] }));
    await wait(
      await wallet.writeContract({ ...router(), functionName: 'swapExactTokensForETHSupportingFeeOnTransferTokens', args: [demoIn, wethOut, [scenario.erc20, scenario.weth], trader, deadline], gas: SWAP_GAS }),
    );
    expect(await reserves()).toEqual({ demo: afterBuy.demo + demoIn, weth: afterBuy.weth - wethOut });
  });
});

describe('the token scenario trades through the router', () => {
  it('buys and sells the taxed tokens with the router as the swaps’ sender, the trader as their recipient', async () => {
    const tokens = await deployTokenScenario(anvil.rpcUrl);
    for (const key of ['sellTax', 'modifiableTax'] as const) {
      const pair = tokens.tokens[key].wethPair!;
      const swaps = await rpc.getLogs({ address: pair, event: swapEvent, fromBlock: 0n });
      expect(swaps.map((l) => [l.args.sender, l.args.to])).toEqual([
        [tokens.uniswapV2Router, tokens.trader], // buy: tokens straight to the trader
        [tokens.uniswapV2Router, tokens.uniswapV2Router], // sell: WETH to the router, unwrapped to ETH
      ]);
      expect(await rpc.readContract({ address: tokens.tokens[key].address, abi: erc20, functionName: 'balanceOf', args: [tokens.trader] })).toBeGreaterThan(0n);
    }
  });
});
