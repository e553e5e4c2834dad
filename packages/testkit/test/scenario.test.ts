import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getAddress, parseAbi } from 'viem';
import {
  DEMO_MULTI_TOKEN,
  DEMO_NFT,
  DEMO_TOKEN,
  EOA_BALANCE_WEI,
  writeScenarioFile,
} from '../src';
import { useScenarioDevnet } from './scenario-devnet';

// The root jest.config.js sets testTimeout per project, which jest 30 does not apply to tests
// (they get the 5 s default); anvil start-up on a loaded 2-core runner needs more headroom.
jest.setTimeout(30_000);

const abi = parseAbi([
  'function name() view returns (string)',
  'function symbol() view returns (string)',
  'function totalSupply() view returns (uint256)',
  'function balanceOf(address) view returns (uint256)',
  'function ownerOf(uint256) view returns (address)',
  'function balanceOf(address, uint256) view returns (uint256)',
  'function getReserves() view returns (uint112, uint112, uint32)',
  'function token0() view returns (address)',
  'function getPair(address, address) view returns (address)',
  'function implementation() view returns (address)',
]);
const IMPLEMENTATION_SLOT = '0x360894a13ba1a3210667c828492db98dca3e2076cc3735a920a3ca505d382bbc';
const ADMIN_SLOT = '0xb53127684a568b3173ae13b9f8a6016e243e63b6e8ee1178d6a717850b5d6103';
const BEACON_SLOT = '0xa3f0ad74e5423aebfd80d3ef4346578335a9a72aeaee59ff6cb3582b35133d50';

const devnet = useScenarioDevnet();

const slotAddress = async (address: `0x${string}`, slot: `0x${string}`) =>
  getAddress(`0x${((await devnet.rpc.getStorageAt({ address, slot })) ?? '0x').slice(-40)}`);

describe('deployScenario', () => {
  it('returns checksummed addresses that all hold code (except the EOAs)', async () => {
    const contracts = [
      devnet.scenario.erc20,
      devnet.scenario.erc721,
      devnet.scenario.erc1155,
      devnet.scenario.weth,
      devnet.scenario.uniswapV2Factory,
      devnet.scenario.uniswapV2Pair,
      devnet.scenario.proxy,
      devnet.scenario.proxyImplementation,
      devnet.scenario.beaconProxy,
      devnet.scenario.beacon,
    ];
    expect(new Set(contracts).size).toBe(contracts.length);
    for (const address of contracts) {
      expect(address).toBe(getAddress(address));
      expect((await devnet.rpc.getCode({ address }))?.length ?? 0).toBeGreaterThan(2);
    }
    for (const address of [devnet.scenario.deployer, devnet.scenario.eoa, devnet.scenario.proxyAdmin]) {
      expect(await devnet.rpc.getCode({ address })).toBeUndefined();
    }
    expect(devnet.scenario.chainId).toBe(31337);
    expect(devnet.scenario.blockNumber).toBe((await devnet.rpc.getBlockNumber({ cacheTime: 0 })).toString());
  });

  it('funds the EOA with exactly EOA_BALANCE_WEI and leaves its nonce at 0', async () => {
    expect(await devnet.rpc.getBalance({ address: devnet.scenario.eoa })).toBe(EOA_BALANCE_WEI);
    expect(await devnet.rpc.getTransactionCount({ address: devnet.scenario.eoa })).toBe(0);
  });

  it('mints the demo ERC-20, ERC-721 and ERC-1155', async () => {
    expect(await devnet.rpc.readContract({ address: devnet.scenario.erc20, abi, functionName: 'name' })).toBe(DEMO_TOKEN.name);
    expect(await devnet.rpc.readContract({ address: devnet.scenario.erc20, abi, functionName: 'symbol' })).toBe(DEMO_TOKEN.symbol);
    expect(await devnet.rpc.readContract({ address: devnet.scenario.erc20, abi, functionName: 'totalSupply' })).toBe(DEMO_TOKEN.totalSupply);
    expect(await devnet.rpc.readContract({ address: devnet.scenario.erc721, abi, functionName: 'name' })).toBe(DEMO_NFT.name);
    expect(await devnet.rpc.readContract({ address: devnet.scenario.erc721, abi, functionName: 'ownerOf', args: [0n] })).toBe(devnet.scenario.deployer);
    expect(
      await devnet.rpc.readContract({ address: devnet.scenario.erc1155, abi, functionName: 'balanceOf', args: [devnet.scenario.deployer, DEMO_MULTI_TOKEN.id] }),
    ).toBe(DEMO_MULTI_TOKEN.amount);
  });

  it('creates a funded DEMO/WETH Uniswap V2 pair', async () => {
    expect(await devnet.rpc.readContract({ address: devnet.scenario.uniswapV2Factory, abi, functionName: 'getPair', args: [devnet.scenario.erc20, devnet.scenario.weth] })).toBe(
      devnet.scenario.uniswapV2Pair,
    );
    const [reserve0, reserve1] = await devnet.rpc.readContract({ address: devnet.scenario.uniswapV2Pair, abi, functionName: 'getReserves' });
    const token0 = await devnet.rpc.readContract({ address: devnet.scenario.uniswapV2Pair, abi, functionName: 'token0' });
    const [demo, weth] = token0 === devnet.scenario.erc20 ? [reserve0, reserve1] : [reserve1, reserve0];
    expect(demo).toBe(10_000n * 10n ** 18n);
    expect(weth).toBe(10n * 10n ** 18n);
    expect(await devnet.rpc.readContract({ address: devnet.scenario.uniswapV2Pair, abi, functionName: 'balanceOf', args: [devnet.scenario.deployer] })).toBeGreaterThan(0n);
  });

  it('sets the EIP-1967 slots of both proxies', async () => {
    expect(await slotAddress(devnet.scenario.proxy, IMPLEMENTATION_SLOT)).toBe(devnet.scenario.proxyImplementation);
    expect(await slotAddress(devnet.scenario.proxy, ADMIN_SLOT)).toBe(devnet.scenario.proxyAdmin);
    expect(await slotAddress(devnet.scenario.beaconProxy, BEACON_SLOT)).toBe(devnet.scenario.beacon);
    expect(await devnet.rpc.readContract({ address: devnet.scenario.beacon, abi, functionName: 'implementation' })).toBe(devnet.scenario.proxyImplementation);
  });

  it('writes the scenario as JSON', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'oca-scenario-'));
    try {
      const path = join(dir, 'nested', 'scenario.json');
      await writeScenarioFile(path, devnet.scenario);
      expect(JSON.parse(await readFile(path, 'utf8'))).toEqual(devnet.scenario);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
