import { createPublicClient, createWalletClient, getAddress, http, keccak256, parseAbi, parseEther, encodePacked, parseEventLogs, type Address, type Hash } from 'viem';
import { foundry } from 'viem/chains';
import { ARTIFACTS, compileMarketContracts, deployDexCore, DEVNET_ADMIN, receiptOf, startAnvil, UNISWAP_V3, type AnvilInstance, type DexCore } from '../src';
import { DevnetDriver } from '../src/markets/devnet-driver';
import { fullRangeTicks, TICK_SPACING } from '../src/markets/v3-math';

jest.setTimeout(60_000);

const FEE = 3000;
const erc20 = parseAbi(['function balanceOf(address) view returns (uint256)', 'function approve(address, uint256) returns (bool)', 'function mint(address, uint256)']);
const poolAbi = parseAbi(['function positions(bytes32) view returns (uint128 liquidity, uint256, uint256, uint128, uint128)', 'function slot0() view returns (uint160, int24, uint16, uint16, uint16, uint8, bool)']);

let anvil: AnvilInstance;
let core: DexCore;
const rpc = () => createPublicClient({ chain: foundry, transport: http(anvil.rpcUrl) });
const wallet = () => createWalletClient({ chain: foundry, transport: http(anvil.rpcUrl), account: DEVNET_ADMIN });
const mined = async (hash: Hash) => {
  const receipt = await receiptOf(rpc(), hash);
  expect(receipt.status).toBe('success');
  return receipt;
};

let token: Address;
let pool: Address;

beforeAll(async () => {
  anvil = await startAnvil();
  const driver = new DevnetDriver(anvil.rpcUrl);
  await driver.takeControl();
  try {
    core = await deployDexCore(driver, compileMarketContracts(), (await driver.latestTimestamp()) + 1n);
  } finally {
    await driver.releaseControl();
  }
  const w = wallet();
  const deployHash = await w.deployContract({ abi: ARTIFACTS.erc20.abi, bytecode: ARTIFACTS.erc20.bytecode, args: ['Periphery Test', 'PT'] });
  token = getAddress((await mined(deployHash)).contractAddress!);
  await mined(await w.writeContract({ address: token, abi: erc20, functionName: 'mint', args: [DEVNET_ADMIN, parseEther('1000000')] }));
  await mined(await w.writeContract({ address: core.weth, abi: ARTIFACTS.weth9.abi, functionName: 'deposit', value: parseEther('100') }));
  for (const spender of [core.uniswapV3PositionManager, core.uniswapV3SwapRouter]) {
    for (const t of [token, core.weth]) await mined(await w.writeContract({ address: t, abi: erc20, functionName: 'approve', args: [spender, parseEther('1000000')] }));
  }
});

afterAll(async () => {
  await anvil?.stop();
});

const npm = () => ({ address: core.uniswapV3PositionManager, abi: UNISWAP_V3.positionManager.abi });

describe('the npm V3 periphery on the devnet DEX core', () => {
  it('is bound to the core V3 factory and WETH9', async () => {
    const [npmFactory, npmWeth, routerFactory, routerWeth] = await Promise.all([
      rpc().readContract({ ...npm(), functionName: 'factory' }),
      rpc().readContract({ ...npm(), functionName: 'WETH9' }),
      rpc().readContract({ address: core.uniswapV3SwapRouter, abi: UNISWAP_V3.swapRouter.abi, functionName: 'factory' }),
      rpc().readContract({ address: core.uniswapV3SwapRouter, abi: UNISWAP_V3.swapRouter.abi, functionName: 'WETH9' }),
    ]);
    expect([npmFactory, npmWeth, routerFactory, routerWeth].map((a) => getAddress(a as string))).toEqual([core.uniswapV3Factory, core.weth, core.uniswapV3Factory, core.weth]);
  });

  it('creates a pool and mints a position NFT whose liquidity is the pool’s position of the manager', async () => {
    const [token0, token1] = token.toLowerCase() < core.weth.toLowerCase() ? [token, core.weth] : [core.weth, token];
    // 1 WETH = 10,000 PT: price token1/token0.
    const sqrtPriceX96 = token0 === token ? 2n ** 96n / 100n : 2n ** 96n * 100n;
    await mined(await wallet().writeContract({ ...npm(), functionName: 'createAndInitializePoolIfNecessary', args: [token0, token1, FEE, sqrtPriceX96] }));
    pool = getAddress((await rpc().readContract({ address: core.uniswapV3Factory, abi: UNISWAP_V3.factory.abi, functionName: 'getPool', args: [token, core.weth, FEE] })) as string);
    const { lower, upper } = fullRangeTicks(TICK_SPACING[FEE]!);
    const deadline = (await rpc().getBlock()).timestamp + 600n;
    const amounts = token0 === token ? [parseEther('100000'), parseEther('10')] : [parseEther('10'), parseEther('100000')];
    const receipt = await mined(
      await wallet().writeContract({
        ...npm(),
        functionName: 'mint',
        args: [{ token0, token1, fee: FEE, tickLower: lower, tickUpper: upper, amount0Desired: amounts[0]!, amount1Desired: amounts[1]!, amount0Min: 0n, amount1Min: 0n, recipient: DEVNET_ADMIN, deadline }],
        // Fixed gas: an estimate made in the previous second can fall short once the block's
        // timestamp moves on (the pool then writes a new oracle observation), and the mint reverts.
        gas: 5_000_000n,
      }),
    );
    const [increase] = parseEventLogs({ abi: UNISWAP_V3.positionManager.abi, logs: receipt.logs, eventName: 'IncreaseLiquidity' }) as unknown as [{ args: { tokenId: bigint; liquidity: bigint } }];
    expect(increase.args.tokenId).toBe(1n);
    // NPM.mint paid the pool at the address PoolAddress computed with the hard-coded init-code
    // hash; the pool's record for (manager, lower, upper) exists only if that is the factory's pool.
    const key = keccak256(encodePacked(['address', 'int24', 'int24'], [core.uniswapV3PositionManager, lower, upper]));
    const [liquidity] = await rpc().readContract({ address: pool, abi: poolAbi, functionName: 'positions', args: [key] });
    expect(liquidity).toBe(increase.args.liquidity);
    expect(liquidity).toBeGreaterThan(0n);
    expect(getAddress((await rpc().readContract({ ...npm(), functionName: 'ownerOf', args: [1n] })) as string)).toBe(DEVNET_ADMIN);
    // The token descriptor is linked to the NFTDescriptor library: tokenURI renders.
    expect(await rpc().readContract({ ...npm(), functionName: 'tokenURI', args: [1n] })).toMatch(/^data:application\/json;base64,/);
  });

  it('swaps exact input through SwapRouter: the pool pays the recipient what its Swap event says', async () => {
    const recipient: Address = '0x000000000000000000000000000000000000a11c';
    const deadline = (await rpc().getBlock()).timestamp + 600n;
    const amountIn = parseEther('0.5');
    const before = await Promise.all([token, core.weth].map((t) => rpc().readContract({ address: t, abi: erc20, functionName: 'balanceOf', args: [pool] })));
    const receipt = await mined(
      await wallet().writeContract({
        address: core.uniswapV3SwapRouter,
        abi: UNISWAP_V3.swapRouter.abi,
        functionName: 'exactInputSingle',
        gas: 1_000_000n, // fixed for the same reason as the mint's
        args: [{ tokenIn: core.weth, tokenOut: token, fee: FEE, recipient, deadline, amountIn, amountOutMinimum: 1n, sqrtPriceLimitX96: 0n }],
      }),
    );
    const [swap] = parseEventLogs({ abi: UNISWAP_V3.pool.abi, logs: receipt.logs, eventName: 'Swap' }) as unknown as [{ address: Address; args: { amount0: bigint; amount1: bigint } }];
    expect(getAddress(swap.address)).toBe(pool);
    const tokenIs0 = token.toLowerCase() < core.weth.toLowerCase();
    const [tokenDelta, wethDelta] = tokenIs0 ? [swap.args.amount0, swap.args.amount1] : [swap.args.amount1, swap.args.amount0];
    expect(wethDelta).toBe(amountIn);
    expect(tokenDelta).toBeLessThan(0n);
    expect(await rpc().readContract({ address: token, abi: erc20, functionName: 'balanceOf', args: [recipient] })).toBe(-tokenDelta);
    const after = await Promise.all([token, core.weth].map((t) => rpc().readContract({ address: t, abi: erc20, functionName: 'balanceOf', args: [pool] })));
    expect(after).toEqual([before[0]! + tokenDelta, before[1]! + amountIn]);
  });
});
