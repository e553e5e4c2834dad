import { readFileSync } from 'node:fs';
import path from 'node:path';
import { DEVNET_EXCHANGE_WALLET, DEVNET_MIXER } from '@oca/chain';
import { encodeAbiParameters, encodeDeployData, encodeFunctionData, getAddress, keccak256, maxUint256, parseEther, toHex, type Abi, type Address, type Hex } from 'viem';
import { privateKeyToAddress } from 'viem/accounts';
import { ARTIFACTS } from '../artifacts';
import { driveDevnet, type DevnetDriver } from '../markets/devnet-driver';
import { DEVNET_ADMIN, deployDexCore, type DexCore } from '../markets/dex-core';
import { compileMarketContracts } from '../markets/market-contracts';
import { queueCall } from '../markets/pool-timeline';
import { compileNftContracts } from '../nfts/nft-contracts';
import { compileSolidity, type CompiledContract } from '../solc';

const HOUR = 3600n;
const E18 = 10n ** 18n;

/** A fresh address nobody holds the key to (impersonated on anvil). */
const wallet = (name: string): Address => privateKeyToAddress(keccak256(toHex(`oca-testkit:forensics:${name}`)));

/** Amounts the scenario moves, for tests that want to name them (they still read the chain). */
export const FORENSICS_AMOUNTS = {
  /** What `layer` forwards to the subject out of its 1 ETH mixer payout. */
  layerToSubject: parseEther('0.95'),
  /** Into the honeypot's pair with 500,000 HONEY. */
  honeypotPoolWei: parseEther('0.4'),
  honeypotSupply: 1_000_000n * E18,
  /** Native deposits into the deposit address: the subject's, then two other customers'. */
  deposits: [parseEther('0.2'), parseEther('0.3'), parseEther('0.1')] as const,
  /** The subject's plain payment to a wallet that keeps it (not a deposit address). */
  keeperPayment: parseEther('0.05'),
  /** HONEY the subject hands out. */
  honeyToKeeper: 10_000n * E18,
  honeyToCustomer: 5_000n * E18,
  /** Left in the deposit address for the sweep's gas: it forwards the rest to the exchange. */
  sweepReserve: parseEther('0.001'),
} as const;

/** Everything `deployForensicsScenario` put on the chain. */
export interface ForensicsScenario {
  rpcUrl: string;
  core: DexCore;
  /** The mixer-like pool, labelled `mixer` in @oca/chain's devnet section (`DEVNET_MIXER`). */
  mixer: Address;
  /** Deposit 1 ETH each into the mixer. */
  depositors: Address[];
  /** Sends the mixer's withdrawals. */
  relayer: Address;
  /** Receives a mixer payout and forwards most of it to the subject: hop 1 of the subject's funding. */
  layer: Address;
  /** The wallet under investigation: funded through the mixer (2 hops), deploys a honeypot and another token. */
  subject: Address;
  /** OwnerSellOnlyToken (HONEY), deployed by the subject, with a WETH pair it can only buy into. */
  honeypot: Address;
  honeypotPair: Address;
  /** A second token the subject deployed after the honeypot. */
  secondToken: Address;
  /** Receives native deposits from the subject and two customers, forwards all to the exchange wallet. */
  depositAddress: Address;
  customers: [Address, Address];
  /** The labelled devnet exchange wallet (`DEVNET_EXCHANGE_WALLET`). */
  exchange: Address;
  /** A wallet the subject pays ETH and HONEY to, which keeps both. */
  keeper: Address;
  /**
   * The nft scenario's collections, deployed by `nftMinter`: the subject is minted ERC-721 ids 1
   * and 2 and ERC-1155 ids 1 and 2 (5 and 3 units), sends ERC-721 #1 to the keeper and 2 and 1
   * units of ids 1 and 2 to the first customer in a batch.
   */
  nfts: { critters: Address; badges: Address };
  nftMinter: Address;
  startTimestamp: bigint;
  endTimestamp: bigint;
  endBlock: bigint;
}

function compileMixer(): CompiledContract {
  // src/forensics or dist/forensics: the .sol source is only in src.
  const file = path.join(__dirname, '..', '..', 'src', 'forensics', 'MiniMixer.sol');
  return compileSolidity({ sources: { 'MiniMixer.sol': readFileSync(file, 'utf8') } }).MiniMixer!;
}

function compileHoneypot(): CompiledContract {
  const file = path.join(__dirname, '..', '..', 'src', 'tokens', 'ScenarioTokens.sol');
  return compileSolidity({ sources: { 'ScenarioTokens.sol': readFileSync(file, 'utf8') } }).OwnerSellOnlyToken!;
}

/**
 * A wallet with a story for the forensics agent, over two simulated days on anvil:
 *
 * - three depositors put 1 ETH each into a mixer-like pool (`MiniMixer`, labelled `mixer`); a
 *   relayer withdraws one note to `layer`, which forwards 0.95 ETH to the subject: the subject's
 *   first funder is `layer`, whose first funder is the mixer (an internal transfer);
 * - the subject deploys a honeypot (the token scenario's OwnerSellOnlyToken), pools it against
 *   WETH and marks the pair, so buyers cannot sell; then deploys a second token;
 * - the subject, and two customers, pay ETH into a deposit address that forwards everything to the
 *   labelled devnet exchange wallet; the subject also pays a keeper ETH and HONEY;
 * - a minter mints the subject NFTs (the nft scenario's ERC-721 and ERC-1155 collections); the
 *   subject sends one ERC-721 to the keeper and an ERC-1155 batch to a customer.
 *
 * Needs the devnet DEX core (deployed when missing). Mined at exact timestamps with automine off.
 */
export async function deployForensicsScenario(rpcUrl: string): Promise<ForensicsScenario> {
  const [mixer, honeypot, nft] = [compileMixer(), compileHoneypot(), compileNftContracts()];
  return driveDevnet(rpcUrl, (driver) => play(driver, mixer, honeypot, nft));
}

async function play(driver: DevnetDriver, mixerArtifact: CompiledContract, honeypotArtifact: CompiledContract, nft: ReturnType<typeof compileNftContracts>): Promise<ForensicsScenario> {
  const start = (await driver.latestTimestamp()) + 1n;
  const end = start + 48n * HOUR;
  const operator = wallet('mixer-operator');
  const depositors = [0, 1, 2].map((i) => wallet(`depositor:${i}`));
  const relayer = wallet('relayer');
  const layer = wallet('layer');
  const subject = wallet('subject');
  const depositAddress = wallet('deposit-address');
  const customers: [Address, Address] = [wallet('customer:0'), wallet('customer:1')];
  const keeper = wallet('keeper');
  const nftMinter = wallet('nft-minter');
  const exchange = DEVNET_EXCHANGE_WALLET;
  await driver.fund([DEVNET_ADMIN], parseEther('1000000'));
  await driver.fund([operator, relayer, ...depositors, ...customers, nftMinter], parseEther('10'));
  const core = await deployDexCore(driver, compileMarketContracts(), start);

  // The mixer, then three deposits.
  const mixer = await deployMixer(driver, operator, mixerArtifact, start + 12n);
  const secrets = depositors.map((_, i) => keccak256(toHex(`oca-testkit:forensics:note:${i}`)));
  depositors.forEach((d, i) => queueCall(driver, d, mixer, mixerArtifact.abi, 'deposit', [keccak256(encodeAbiParameters([{ type: 'bytes32' }], [secrets[i]!]))], E18, 200_000n));
  await driver.mine(start + HOUR);
  // A relayer pays one note out to `layer`, which forwards most of it to the subject.
  queueCall(driver, relayer, mixer, mixerArtifact.abi, 'withdraw', [secrets[0]!, layer], undefined, 200_000n);
  await driver.mine(start + 3n * HOUR);
  driver.queue({ from: layer, to: subject, value: FORENSICS_AMOUNTS.layerToSubject, gas: 21_000n });
  await driver.mine(start + 4n * HOUR);

  // The subject's honeypot, its pool, the pair marked; then a second token.
  const honeypot = await deploy(driver, subject, encodeDeployData({ abi: honeypotArtifact.abi, bytecode: honeypotArtifact.bytecode, args: [FORENSICS_AMOUNTS.honeypotSupply] }), start + 6n * HOUR);
  queueCall(driver, subject, honeypot, honeypotArtifact.abi, 'approve', [core.uniswapV2Router, maxUint256]);
  queueCall(driver, subject, core.uniswapV2Router, ARTIFACTS.uniswapV2Router02.abi, 'addLiquidityETH', [honeypot, FORENSICS_AMOUNTS.honeypotSupply / 2n, 0n, 0n, subject, end * 2n], FORENSICS_AMOUNTS.honeypotPoolWei, 5_000_000n);
  await driver.mine(start + 7n * HOUR);
  const honeypotPair = await pairOf(driver, core, honeypot);
  queueCall(driver, subject, honeypot, honeypotArtifact.abi, 'setMarketPair', [honeypotPair, true]);
  await driver.mine(start + 8n * HOUR);
  const secondToken = await deploy(driver, subject, encodeDeployData({ abi: ARTIFACTS.erc20.abi, bytecode: ARTIFACTS.erc20.bytecode, args: ['Second Chance', 'SCND'] }), start + 20n * HOUR);

  // Payments: the deposit address collects from three senders and forwards to the exchange.
  const [fromSubject, fromFirst, fromSecond] = FORENSICS_AMOUNTS.deposits;
  driver.queue({ from: subject, to: depositAddress, value: fromSubject, gas: 21_000n });
  driver.queue({ from: customers[0], to: depositAddress, value: fromFirst, gas: 21_000n });
  driver.queue({ from: customers[1], to: depositAddress, value: fromSecond, gas: 21_000n });
  driver.queue({ from: subject, to: keeper, value: FORENSICS_AMOUNTS.keeperPayment, gas: 21_000n });
  queueCall(driver, subject, honeypot, honeypotArtifact.abi, 'transfer', [keeper, FORENSICS_AMOUNTS.honeyToKeeper]);
  queueCall(driver, subject, honeypot, honeypotArtifact.abi, 'transfer', [customers[0], FORENSICS_AMOUNTS.honeyToCustomer]);
  await driver.mine(start + 30n * HOUR);
  driver.queue({ from: depositAddress, to: exchange, value: fromSubject + fromFirst + fromSecond - FORENSICS_AMOUNTS.sweepReserve, gas: 21_000n });
  await driver.mine(start + 31n * HOUR);

  // NFTs: minted to the subject, then an ERC-721 to the keeper and an ERC-1155 batch to a customer.
  const critters = await deploy(driver, nftMinter, encodeDeployData({ abi: nft.critters.abi, bytecode: nft.critters.bytecode, args: [] }), start + 32n * HOUR);
  const badges = await deploy(driver, nftMinter, encodeDeployData({ abi: nft.badges.abi, bytecode: nft.badges.bytecode, args: ['ipfs://oca-forensics/{id}.json'] }), start + 32n * HOUR + 60n);
  for (const body of ['Fox', 'Owl']) queueCall(driver, nftMinter, critters, nft.critters.abi, 'mint', [subject, 'Red', body, ''], undefined, 500_000n);
  queueCall(driver, nftMinter, badges, nft.badges.abi, 'mintBatch', [subject, [1n, 2n], [5n, 3n]], undefined, 500_000n);
  await driver.mine(start + 33n * HOUR);
  queueCall(driver, subject, critters, nft.critters.abi, 'transferFrom', [subject, keeper, 1n]);
  queueCall(driver, subject, badges, nft.badges.abi, 'safeBatchTransferFrom', [subject, customers[0], [1n, 2n], [2n, 1n], '0x']);
  await driver.mine(start + 34n * HOUR);
  await driver.mine(end);
  const endBlock = BigInt(await driver.call<Hex>('eth_blockNumber'));
  return {
    rpcUrl: driver.rpcUrl,
    core,
    mixer,
    depositors,
    relayer,
    layer,
    subject,
    honeypot,
    honeypotPair,
    secondToken,
    depositAddress,
    customers,
    exchange,
    keeper,
    nfts: { critters, badges },
    nftMinter,
    startTimestamp: start,
    endTimestamp: end,
    endBlock,
  };
}

/** The mixer at its labelled address: the operator key's first contract, or already there from an earlier run. */
async function deployMixer(driver: DevnetDriver, operator: Address, artifact: CompiledContract, at: bigint): Promise<Address> {
  const code = await driver.call<Hex>('eth_getCode', [DEVNET_MIXER, 'latest']);
  if (code !== '0x') return DEVNET_MIXER;
  const mixer = await deploy(driver, operator, artifact.bytecode, at);
  if (mixer !== DEVNET_MIXER) throw new Error(`devnet mixer moved: update DEVNET_MIXER in packages/chain/src/labels/devnet.ts to ${mixer}`);
  return mixer;
}

async function deploy(driver: DevnetDriver, from: Address, data: Hex, at: bigint): Promise<Address> {
  driver.queue({ from, data, gas: 6_000_000n });
  const [deployed] = await driver.mine(at);
  if (!deployed?.contractAddress) throw new Error('deployment created no contract');
  return getAddress(deployed.contractAddress);
}

async function pairOf(driver: DevnetDriver, core: DexCore, token: Address): Promise<Address> {
  const pair = await driver.call<Hex>('eth_call', [{ to: core.uniswapV2Factory, data: encodeCall(ARTIFACTS.uniswapV2Factory.abi, 'getPair', [token, core.weth]) }, 'latest']);
  return getAddress(`0x${pair.slice(-40)}`);
}

function encodeCall(abi: Abi, functionName: string, args: readonly unknown[]): Hex {
  return encodeFunctionData({ abi, functionName, args });
}
