import { createWalletClient, getAddress, http, parseAbi, parseAbiItem, parseEther } from 'viem';
import { foundry } from 'viem/chains';
import { ARTIFACTS, deployTokenScenario, receiptOf } from '../src';
import { useScenarioDevnet } from './scenario-devnet';

jest.setTimeout(60_000);

const pairAbi = parseAbi(['function getReserves() view returns (uint112, uint112, uint32)', 'function token0() view returns (address)']);
const erc20 = parseAbi(['function balanceOf(address) view returns (uint256)']);
const swapEvent = parseAbiItem('event Swap(address indexed sender, uint256 amount0In, uint256 amount1In, uint256 amount0Out, uint256 amount1Out, address indexed to)');

const devnet = useScenarioDevnet();

/** DEMO and WETH reserves of the DEMO/WETH pair, read from the pair itself. */
async function reserves(): Promise<{ demo: bigint; weth: bigint }> {
  const [[r0, r1], token0] = await Promise.all([
    devnet.rpc.readContract({ address: devnet.scenario.uniswapV2Pair, abi: pairAbi, functionName: 'getReserves' }),
    devnet.rpc.readContract({ address: devnet.scenario.uniswapV2Pair, abi: pairAbi, functionName: 'token0' }),
  ]);
  return token0 === devnet.scenario.erc20 ? { demo: r0, weth: r1 } : { demo: r1, weth: r0 };
}

/** Uniswap V2's getAmountOut, recomputed here. */
const amountOut = (amountIn: bigint, reserveIn: bigint, reserveOut: bigint) => (amountIn * 997n * reserveOut) / (reserveIn * 1000n + amountIn * 997n);

/**
 * Fixed gas for swaps: a pair's first swap in a new second also writes its price accumulators
 * (+20k gas per slot), so an estimate taken in the previous block's second can run out of gas.
 */
const SWAP_GAS = 400_000n;

describe('UniswapV2Router02 from npm', () => {
  const router = () => ({ address: devnet.scenario.uniswapV2Router, abi: ARTIFACTS.uniswapV2Router02.abi });

  it('is wired to the scenario factory and WETH9, and its addLiquidityETH funded the factory’s pair', async () => {
    expect(getAddress((await devnet.rpc.readContract({ ...router(), functionName: 'factory' })) as string)).toBe(devnet.scenario.uniswapV2Factory);
    expect(getAddress((await devnet.rpc.readContract({ ...router(), functionName: 'WETH' })) as string)).toBe(devnet.scenario.weth);
    // The router sends both sides to the address its pairFor computes with the hard-coded init-code
    // hash; the reserves can only be right if that is the pair the factory deployed.
    expect(await reserves()).toEqual({ demo: 10_000n * 10n ** 18n, weth: parseEther('10') });
  });

  it('quotes through pairFor (getAmountsOut) what the reserves promise', async () => {
    const { demo, weth } = await reserves();
    const amounts = (await devnet.rpc.readContract({ ...router(), functionName: 'getAmountsOut', args: [parseEther('1'), [devnet.scenario.weth, devnet.scenario.erc20]] })) as bigint[];
    expect(amounts).toEqual([parseEther('1'), amountOut(parseEther('1'), weth, demo)]);
  });

  it('swaps ETH for DEMO and back, moving the reserves by exactly the amounts', async () => {
    const [, trader] = (await createWalletClient({ chain: foundry, transport: http(devnet.anvil.rpcUrl) }).getAddresses()) as [unknown, `0x${string}`];
    const wallet = createWalletClient({ chain: foundry, transport: http(devnet.anvil.rpcUrl), account: trader });
    const deadline = (await devnet.rpc.getBlock()).timestamp + 600n;
    const wait = async (hash: `0x${string}`) => expect((await receiptOf(devnet.rpc, hash)).status).toBe('success');

    const before = await reserves();
    const ethIn = parseEther('0.5');
    const demoOut = amountOut(ethIn, before.weth, before.demo);
    await wait(await wallet.writeContract({ ...router(), functionName: 'swapExactETHForTokens', args: [demoOut, [devnet.scenario.weth, devnet.scenario.erc20], trader, deadline], value: ethIn, gas: SWAP_GAS }));
    const afterBuy = await reserves();
    expect(afterBuy).toEqual({ demo: before.demo - demoOut, weth: before.weth + ethIn });
    expect(await devnet.rpc.readContract({ address: devnet.scenario.erc20, abi: erc20, functionName: 'balanceOf', args: [trader] })).toBe(demoOut);

    const demoIn = demoOut / 2n;
    const wethOut = amountOut(demoIn, afterBuy.demo, afterBuy.weth);
    await wait(await wallet.writeContract({ address: devnet.scenario.erc20, abi: ARTIFACTS.erc20.abi, functionName: 'approve', args: [devnet.scenario.uniswapV2Router, demoIn] }));
    await wait(
      await wallet.writeContract({ ...router(), functionName: 'swapExactTokensForETHSupportingFeeOnTransferTokens', args: [demoIn, wethOut, [devnet.scenario.erc20, devnet.scenario.weth], trader, deadline], gas: SWAP_GAS }),
    );
    expect(await reserves()).toEqual({ demo: afterBuy.demo + demoIn, weth: afterBuy.weth - wethOut });
  });
});

describe('the token scenario trades through the router', () => {
  it('buys and sells the taxed tokens with the router as the swaps’ sender, the trader as their recipient', async () => {
    const tokens = await deployTokenScenario(devnet.anvil.rpcUrl);
    for (const key of ['sellTax', 'modifiableTax'] as const) {
      const pair = tokens.tokens[key].wethPair!;
      const swaps = await devnet.rpc.getLogs({ address: pair, event: swapEvent, fromBlock: 0n });
      expect(swaps.map((l) => [l.args.sender, l.args.to])).toEqual([
        [tokens.uniswapV2Router, tokens.trader], // buy: tokens straight to the trader
        [tokens.uniswapV2Router, tokens.uniswapV2Router], // sell: WETH to the router, unwrapped to ETH
      ]);
      expect(await devnet.rpc.readContract({ address: tokens.tokens[key].address, abi: erc20, functionName: 'balanceOf', args: [tokens.trader] })).toBeGreaterThan(0n);
    }
  });
});
