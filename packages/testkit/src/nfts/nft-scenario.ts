import { encodeDeployData, keccak256, maxUint256, parseEther, toHex, zeroAddress, zeroHash, type Address, type Hex } from 'viem';
import { privateKeyToAddress } from 'viem/accounts';
import { ARTIFACTS } from '../artifacts';
import { driveDevnet, type DevnetDriver } from '../markets/devnet-driver';
import { DEVNET_ADMIN, deployDexCore, type DexCore } from '../markets/dex-core';
import { compileMarketContracts, type MarketContracts } from '../markets/market-contracts';
import { queueCall } from '../markets/pool-timeline';
import type { CompiledContract } from '../solc';
import { compileNftContracts, compileSeaport } from './nft-contracts';

const DAY = 86_400n;
const HOUR = 3600n;
const E6 = 10n ** 6n;

/** How much simulated time the scenario covers. */
export const NFT_SCENARIO_DAYS = 56n;

/**
 * The collection's traits, token 1 first: background, body, hat ('' = no hat). Blue backgrounds
 * are common and Gold rare; six tokens have no hat (OpenRarity counts that as a trait value).
 */
export const CRITTER_TRAITS: readonly (readonly [string, string, string])[] = [
  ['Blue', 'Cat', 'Cap'],
  ['Blue', 'Cat', ''],
  ['Blue', 'Dog', 'Cap'],
  ['Blue', 'Dog', 'Crown'],
  ['Blue', 'Cat', 'Cap'],
  ['Blue', 'Fox', ''],
  ['Blue', 'Dog', 'Cap'],
  ['Red', 'Cat', 'Beanie'],
  ['Red', 'Dog', ''],
  ['Red', 'Cat', 'Cap'],
  ['Red', 'Dog', 'Beanie'],
  ['Red', 'Cat', ''],
  ['Green', 'Dog', 'Cap'],
  ['Green', 'Cat', 'Beanie'],
  ['Green', 'Fox', ''],
  ['Green', 'Dog', 'Cap'],
  ['Gold', 'Robot', 'Crown'],
  ['Gold', 'Cat', ''],
  ['Green', 'Cat', 'Cap'],
  ['Red', 'Fox', 'Cap'],
];
/** Token 19 is minted with traits but its tokenURI points off-chain (no gateway on the devnet: unfetchable). */
export const CRITTER_OFFCHAIN_URI = 'ipfs://bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi/19.json';

/** A fresh address nobody holds the key to (impersonated on anvil). */
const wallet = (name: string): Address => privateKeyToAddress(keccak256(toHex(`oca-testkit:nfts:${name}`)));

/** How a sale was paid, as the scenario made it. */
export type NftSaleKind = 'seaport-eth' | 'seaport-weth' | 'direct-eth' | 'direct-weth' | 'direct-usd';

/** One sale the scenario made (what it meant to do; tests check the chain says the same). */
export interface NftScenarioSale {
  kind: NftSaleKind;
  tokenId: bigint;
  seller: Address;
  buyer: Address;
  /** What the buyer paid in total (wei, or dUSD units for `direct-usd`), marketplace fee included. */
  price: bigint;
  transactionHash: Hex;
  blockNumber: bigint;
  timestamp: bigint;
}

/** Everything `deployNftScenario` put on the chain. */
export interface NftScenario {
  rpcUrl: string;
  core: DexCore;
  collection: Address;
  seaport: Address;
  conduitController: Address;
  directSale: Address;
  /** Receives Seaport orders' 2.5 % fee. */
  feeRecipient: Address;
  minters: Address[];
  buyers: Address[];
  /** Wash traders: self-dealer, back-and-forth pair, repeat buyer and its counterparty, funded pair. */
  wash: { selfDealer: Address; pingA: Address; pingB: Address; repeatBuyer: Address; repeatSeller: Address; fundedA: Address; fundedB: Address };
  /** First funder of `fundedA` and `fundedB` (plain ETH transfers). */
  washFunder: Address;
  sales: NftScenarioSale[];
  /** A token moved without payment (a gift), not a sale. */
  gift: { tokenId: bigint; transactionHash: Hex };
  seaportAbi: CompiledContract['abi'];
  startTimestamp: bigint;
  endTimestamp: bigint;
  endBlock: bigint;
}

/**
 * An NFT collection with on-chain metadata and a sales history, over 56 simulated days on anvil:
 *
 * - OCA Critters (ERC-721, `data:` URI base64 JSON traits) mints 20 tokens to six minters and
 *   the wash wallets; token 19's URI is an `ipfs://` one (unfetchable without a gateway);
 * - sales through Seaport 1.6 compiled from `seaport-core` (offerer `validate`s its order on
 *   chain, so no signature is needed; 2.5 % fee to a fee recipient), paid in ETH or WETH, and
 *   direct sales through a one-transaction helper paid in ETH, WETH or dUSD;
 * - Dune's wash patterns: a self-sale, a pair trading one token back and forth within days, a
 *   wallet buying the same token three times within 30 days, two wallets first funded by the
 *   same wallet trading with each other; and a pair trading back 34 days apart (not wash);
 * - a gift (transfer without payment), and a WETH/dUSD pool (USD prices).
 */
export async function deployNftScenario(rpcUrl: string): Promise<NftScenario> {
  const market = compileMarketContracts();
  const nft = compileNftContracts();
  const sp = compileSeaport();
  return driveDevnet(rpcUrl, (driver) => play(driver, market, nft, sp));
}

async function play(
  driver: DevnetDriver,
  market: MarketContracts,
  nft: ReturnType<typeof compileNftContracts>,
  sp: ReturnType<typeof compileSeaport>,
): Promise<NftScenario> {
  const start = (await driver.latestTimestamp()) + 1n;
  const end = start + NFT_SCENARIO_DAYS * DAY;
  const admin = DEVNET_ADMIN;
  const feeRecipient = wallet('fee-recipient');
  const minters = [0, 1, 2, 3, 4, 5].map((i) => wallet(`minter:${i}`));
  const buyers = [0, 1, 2].map((i) => wallet(`buyer:${i}`));
  const wash = {
    selfDealer: wallet('wash:self'),
    pingA: wallet('wash:ping-a'),
    pingB: wallet('wash:ping-b'),
    repeatBuyer: wallet('wash:repeat-buyer'),
    repeatSeller: wallet('wash:repeat-seller'),
    fundedA: wallet('wash:funded-a'),
    fundedB: wallet('wash:funded-b'),
  };
  const washFunder = wallet('wash:funder');
  await driver.fund([admin], parseEther('1000000'));
  await driver.fund([...minters, ...buyers, wash.selfDealer, wash.pingA, wash.pingB, wash.repeatBuyer, wash.repeatSeller, washFunder], parseEther('100'));

  const core = await deployDexCore(driver, market, start);
  const deploy = (c: CompiledContract, args: readonly unknown[] = []) =>
    driver.queue({ from: admin, data: encodeDeployData({ abi: c.abi, bytecode: c.bytecode, args }), gas: 15_000_000n });
  deploy(nft.critters);
  deploy(nft.directSale);
  deploy(sp.conduitController);
  const [collectionTx, directTx, controllerTx] = await driver.mine(start + 12n);
  const collection = collectionTx!.contractAddress!;
  const directSale = directTx!.contractAddress!;
  const conduitController = controllerTx!.contractAddress!;
  deploy(sp.seaport, [conduitController]);
  // The USD anchor: a WETH/dUSD pair (on a chain that has one, the router adds at its ratio).
  queueCall(driver, admin, core.weth, ARTIFACTS.weth9.abi, 'deposit', [], parseEther('100'));
  queueCall(driver, admin, core.usd, market.devnetUsd.abi, 'mint', [admin, 1_000_000n * E6]);
  for (const t of [core.weth, core.usd]) queueCall(driver, admin, t, ARTIFACTS.erc20.abi, 'approve', [core.uniswapV2Router, maxUint256]);
  const [seaportTx] = await driver.mine(start + 24n);
  const seaport = seaportTx!.contractAddress!;
  if (!seaport) throw new Error('Seaport deployment created no contract');
  const deadline = end + DAY;
  queueCall(driver, admin, core.uniswapV2Router, ARTIFACTS.uniswapV2Router02.abi, 'addLiquidity', [core.weth, core.usd, parseEther('100'), 250_000n * E6, 0n, 0n, admin, deadline], undefined, 5_000_000n);
  // The funded pair's first ETH comes from one wallet.
  for (const w of [wash.fundedA, wash.fundedB]) driver.queue({ from: washFunder, to: w, value: parseEther('20'), gas: 21_000n });
  await driver.mine(start + 36n);

  // Mints over the first three days: tokens 1–20.
  const owners: Address[] = [
    ...minters.flatMap((m) => [m, m]), // 1–12
    wash.selfDealer, // 13
    wash.pingA, // 14
    wash.repeatSeller, // 15
    wash.fundedA, // 16
    minters[0]!, // 17
    minters[1]!, // 18
    minters[2]!, // 19
    minters[3]!, // 20
  ];
  // Tokens 1–7 on day 0, 8–14 on day 1, 15–20 on day 2 (ids count up in mint order).
  for (let day = 0; day < 3; day++) {
    owners.forEach((owner, i) => {
      if (Math.floor(i / 7) !== day) return;
      const [bg, body, hat] = CRITTER_TRAITS[i]!;
      queueCall(driver, admin, collection, nft.critters.abi, 'mint', [owner, bg, body, hat], undefined, 400_000n);
    });
    await driver.mine(start + BigInt(day) * DAY + HOUR);
  }
  const idOf = (index: number) => BigInt(index + 1);
  queueCall(driver, admin, collection, nft.critters.abi, 'setTokenUri', [idOf(18), CRITTER_OFFCHAIN_URI]);
  const traders = [...minters, ...buyers, ...Object.values(wash)];
  for (const t of traders) {
    queueCall(driver, t, collection, nft.critters.abi, 'setApprovalForAll', [seaport, true]);
    queueCall(driver, t, collection, nft.critters.abi, 'setApprovalForAll', [directSale, true]);
    queueCall(driver, t, core.weth, ARTIFACTS.weth9.abi, 'approve', [seaport, maxUint256]);
    queueCall(driver, t, core.weth, ARTIFACTS.weth9.abi, 'approve', [directSale, maxUint256]);
    queueCall(driver, t, core.usd, ARTIFACTS.erc20.abi, 'approve', [directSale, maxUint256]);
  }
  for (const b of [...buyers, wash.pingA]) queueCall(driver, b, core.weth, ARTIFACTS.weth9.abi, 'deposit', [], parseEther('10'));
  queueCall(driver, admin, core.usd, market.devnetUsd.abi, 'transfer', [buyers[1]!, 10_000n * E6]);
  await driver.mine(start + 3n * DAY + HOUR);

  const stage: Stage = { driver, core, collection, seaport, directSale, feeRecipient, seaportAbi: sp.seaport.abi, directAbi: nft.directSale.abi, sales: [], salt: 0n };
  const at = (day: bigint, hour = 12n) => start + day * DAY + hour * HOUR;
  await seaportSale(stage, 'seaport-eth', idOf(0), minters[0]!, buyers[0]!, parseEther('1'), at(5n));
  await seaportSale(stage, 'seaport-weth', idOf(2), minters[1]!, buyers[1]!, parseEther('2'), at(6n));
  await directSale_(stage, 'direct-eth', idOf(4), minters[2]!, buyers[2]!, parseEther('0.5'), at(7n));
  await directSale_(stage, 'direct-weth', idOf(6), minters[3]!, buyers[0]!, parseEther('0.8'), at(8n));
  await directSale_(stage, 'direct-usd', idOf(8), minters[4]!, buyers[1]!, 1_500n * E6, at(9n));
  // Wash: a self-sale through Seaport (the offerer fulfils its own order).
  await seaportSale(stage, 'seaport-eth', idOf(12), wash.selfDealer, wash.selfDealer, parseEther('3'), at(10n));
  // Back and forth within two days.
  await seaportSale(stage, 'seaport-eth', idOf(13), wash.pingA, wash.pingB, parseEther('1'), at(11n));
  await seaportSale(stage, 'seaport-weth', idOf(13), wash.pingB, wash.pingA, parseEther('1.1'), at(13n));
  // One wallet buys the same token three times in five days.
  const [rb, rs, rt] = [wash.repeatBuyer, wash.repeatSeller, idOf(14)];
  await directSale_(stage, 'direct-eth', rt, rs, rb, parseEther('0.7'), at(14n));
  await directSale_(stage, 'direct-eth', rt, rb, rs, parseEther('0.7'), at(15n));
  await directSale_(stage, 'direct-eth', rt, rs, rb, parseEther('0.8'), at(16n));
  await directSale_(stage, 'direct-eth', rt, rb, rs, parseEther('0.8'), at(17n));
  await directSale_(stage, 'direct-eth', rt, rs, rb, parseEther('0.9'), at(18n));
  // Two wallets funded by the same wallet.
  await directSale_(stage, 'direct-eth', idOf(15), wash.fundedA, wash.fundedB, parseEther('2'), at(20n));
  // A pair trading back 34 days apart: not wash.
  await seaportSale(stage, 'seaport-eth', idOf(0), buyers[0]!, buyers[2]!, parseEther('1.2'), at(21n));
  // A gift.
  queueCall(driver, minters[5]!, collection, nft.critters.abi, 'transferFrom', [minters[5]!, buyers[1]!, idOf(10)]);
  const [giftTx] = await driver.mine(at(22n));
  await seaportSale(stage, 'seaport-eth', idOf(0), buyers[2]!, buyers[0]!, parseEther('1.5'), at(55n));
  await directSale_(stage, 'direct-weth', idOf(1), minters[0]!, buyers[2]!, parseEther('0.6'), at(55n, 20n));
  await driver.mine(end);
  const endBlock = BigInt(await driver.call<Hex>('eth_blockNumber'));
  return {
    rpcUrl: driver.rpcUrl,
    core,
    collection,
    seaport,
    conduitController,
    directSale,
    feeRecipient,
    minters,
    buyers,
    wash,
    washFunder,
    sales: stage.sales,
    gift: { tokenId: idOf(10), transactionHash: giftTx!.hash },
    seaportAbi: sp.seaport.abi,
    startTimestamp: start,
    endTimestamp: end,
    endBlock,
  };
}

interface Stage {
  driver: DevnetDriver;
  core: DexCore;
  collection: Address;
  seaport: Address;
  directSale: Address;
  feeRecipient: Address;
  seaportAbi: CompiledContract['abi'];
  directAbi: CompiledContract['abi'];
  sales: NftScenarioSale[];
  salt: bigint;
}

/**
 * A Seaport 1.6 sale: the seller offers the token for `price` (97.5 % to itself, 2.5 % fee),
 * in ETH or WETH, and `validate`s the order on chain; the buyer fulfils it in the next block.
 */
async function seaportSale(s: Stage, kind: 'seaport-eth' | 'seaport-weth', tokenId: bigint, seller: Address, buyer: Address, price: bigint, timestamp: bigint): Promise<void> {
  const eth = kind === 'seaport-eth';
  const fee = price / 40n;
  const pay = (amount: bigint, recipient: Address) => ({
    itemType: eth ? 0 : 1,
    token: eth ? zeroAddress : s.core.weth,
    identifierOrCriteria: 0n,
    startAmount: amount,
    endAmount: amount,
    recipient,
  });
  const parameters = {
    offerer: seller,
    zone: zeroAddress,
    offer: [{ itemType: 2, token: s.collection, identifierOrCriteria: tokenId, startAmount: 1n, endAmount: 1n }],
    consideration: [pay(price - fee, seller), pay(fee, s.feeRecipient)],
    orderType: 0,
    startTime: 0n,
    endTime: maxUint256,
    zoneHash: zeroHash,
    salt: ++s.salt,
    conduitKey: zeroHash,
    totalOriginalConsiderationItems: 2n,
  };
  const order = { parameters, signature: '0x' as Hex };
  queueCall(s.driver, seller, s.seaport, s.seaportAbi, 'validate', [[order]], undefined, 600_000n);
  await s.driver.mine(timestamp - 60n);
  queueCall(s.driver, buyer, s.seaport, s.seaportAbi, 'fulfillOrder', [order, zeroHash], eth ? price : 0n, 600_000n);
  const [tx] = await s.driver.mine(timestamp);
  s.sales.push({ kind, tokenId, seller, buyer, price, transactionHash: tx!.hash, blockNumber: tx!.blockNumber, timestamp });
}

/** A direct sale: the buyer calls the helper, which moves the token and the payment in one transaction. */
async function directSale_(s: Stage, kind: 'direct-eth' | 'direct-weth' | 'direct-usd', tokenId: bigint, seller: Address, buyer: Address, price: bigint, timestamp: bigint): Promise<void> {
  if (kind === 'direct-eth') queueCall(s.driver, buyer, s.directSale, s.directAbi, 'buyWithEth', [s.collection, tokenId, seller], price);
  else queueCall(s.driver, buyer, s.directSale, s.directAbi, 'buyWithToken', [s.collection, tokenId, seller, kind === 'direct-weth' ? s.core.weth : s.core.usd, price]);
  const [tx] = await s.driver.mine(timestamp);
  s.sales.push({ kind, tokenId, seller, buyer, price, transactionHash: tx!.hash, blockNumber: tx!.blockNumber, timestamp });
}
