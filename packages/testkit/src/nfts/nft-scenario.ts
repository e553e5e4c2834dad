import { encodeDeployData, encodeFunctionData, getAddress, keccak256, maxUint256, parseEther, toHex, zeroAddress, zeroHash, type Address, type Hex } from 'viem';
import { privateKeyToAddress } from 'viem/accounts';
import { ARTIFACTS } from '../artifacts';
import { driveDevnet, type DevnetDriver } from '../markets/devnet-driver';
import { DEVNET_ADMIN, deployDexCore, UNISWAP_V3, type DexCore } from '../markets/dex-core';
import { compileMarketContracts, type MarketContracts } from '../markets/market-contracts';
import { queueCall } from '../markets/pool-timeline';
import { fullRangeTicks, sqrtPriceX96For, TICK_SPACING } from '../markets/v3-math';
import type { CompiledContract } from '../solc';
import { compileNftContracts, compileSeaport } from './nft-contracts';
import { BADGE_URI, CRITTER_CID } from './nft-metadata';

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
export const CRITTER_OFFCHAIN_URI = `ipfs://${CRITTER_CID}/19.json`;
/** The Uniswap V3 fee tier of the WETH pool the flash loan is taken from. */
const FLASH_POOL_FEE = 3000;

/** A fresh address nobody holds the key to (impersonated on anvil). */
const wallet = (name: string): Address => privateKeyToAddress(keccak256(toHex(`oca-testkit:nfts:${name}`)));

/** How a sale was paid, as the scenario made it. */
export type NftSaleKind = 'seaport-eth' | 'seaport-weth' | 'direct-eth' | 'direct-weth' | 'direct-usd' | 'flash-weth' | 'direct-1155';

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
  /**
   * The critter sale inside a flash loan (also in `sales`, kind `flash-weth`): `buyer`, a contract,
   * borrows the WETH from `pool` (Uniswap V3 `flash`), pays the seller, repays loan and fee.
   */
  flashSale: { pool: Address; buyer: Address; tokenId: bigint; transactionHash: Hex };
  /**
   * OCA Badges, an ERC-1155 with off-chain metadata (`uri` = `BADGE_URI`): single and batch
   * mints, a single and a batch sale (kind `direct-1155`, `price` the whole ETH payment of the
   * transaction, `tokenId` its first id) and a gift.
   */
  badges: { address: Address; sales: (NftScenarioSale & { ids: bigint[]; amounts: bigint[] })[]; gift: { tokenId: bigint; amount: bigint; transactionHash: Hex } };
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
  const flashOwner = wallet('wash:flash-owner');
  await driver.fund([admin], parseEther('1000000'));
  await driver.fund([...minters, ...buyers, wash.selfDealer, wash.pingA, wash.pingB, wash.repeatBuyer, wash.repeatSeller, washFunder, flashOwner], parseEther('100'));

  const core = await deployDexCore(driver, market, start);
  const deploy = (c: CompiledContract, args: readonly unknown[] = []) =>
    driver.queue({ from: admin, data: encodeDeployData({ abi: c.abi, bytecode: c.bytecode, args }), gas: 15_000_000n });
  deploy(nft.critters);
  deploy(nft.directSale);
  deploy(sp.conduitController);
  deploy(nft.badges, [BADGE_URI]);
  const [collectionTx, directTx, controllerTx, badgesTx] = await driver.mine(start + 12n);
  const collection = collectionTx!.contractAddress!;
  const directSale = directTx!.contractAddress!;
  const conduitController = controllerTx!.contractAddress!;
  const badges = badgesTx!.contractAddress!;
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
  const flash = await openFlashPool(driver, market, nft.flashBuyer, core, flashOwner, start + 48n);

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
    // Badges: two single mints, a batch mint (a TransferBatch from 0x0), another single mint.
    if (day === 0) {
      queueCall(driver, admin, badges, nft.badges.abi, 'mint', [minters[0]!, 1n, 10n]);
      queueCall(driver, admin, badges, nft.badges.abi, 'mint', [minters[1]!, 2n, 5n]);
    }
    if (day === 1) queueCall(driver, admin, badges, nft.badges.abi, 'mintBatch', [minters[2]!, [3n, 4n, 5n], [3n, 2n, 1n]]);
    if (day === 2) queueCall(driver, admin, badges, nft.badges.abi, 'mint', [minters[3]!, 1n, 4n]);
    await driver.mine(start + BigInt(day) * DAY + HOUR);
  }
  const idOf = (index: number) => BigInt(index + 1);
  queueCall(driver, admin, collection, nft.critters.abi, 'setTokenUri', [idOf(18), CRITTER_OFFCHAIN_URI]);
  const traders = [...minters, ...buyers, ...Object.values(wash)];
  for (const t of traders) {
    queueCall(driver, t, collection, nft.critters.abi, 'setApprovalForAll', [seaport, true]);
    queueCall(driver, t, collection, nft.critters.abi, 'setApprovalForAll', [directSale, true]);
    queueCall(driver, t, badges, nft.badges.abi, 'setApprovalForAll', [directSale, true]);
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
  // A sale paid with WETH borrowed in a Uniswap V3 flash loan in the same transaction.
  const flashTokenId = idOf(19);
  queueCall(driver, flashOwner, flash.buyer, nft.flashBuyer.abi, 'buy', [flash.pool, directSale, collection, flashTokenId, minters[3]!, core.weth, parseEther('0.9')], undefined, 800_000n);
  const [flashTx] = await driver.mine(at(19n));
  stage.sales.push({ kind: 'flash-weth', tokenId: flashTokenId, seller: minters[3]!, buyer: flash.buyer, price: parseEther('0.9'), transactionHash: flashTx!.hash, blockNumber: flashTx!.blockNumber, timestamp: at(19n) });
  // Two wallets funded by the same wallet.
  await directSale_(stage, 'direct-eth', idOf(15), wash.fundedA, wash.fundedB, parseEther('2'), at(20n));
  // A pair trading back 34 days apart: not wash.
  await seaportSale(stage, 'seaport-eth', idOf(0), buyers[0]!, buyers[2]!, parseEther('1.2'), at(21n));
  // A gift.
  queueCall(driver, minters[5]!, collection, nft.critters.abi, 'transferFrom', [minters[5]!, buyers[1]!, idOf(10)]);
  const [giftTx] = await driver.mine(at(22n));
  // Badges: one id for ETH (TransferSingle), two ids in one payment (TransferBatch), a gift.
  const badgeSales: NftScenario['badges']['sales'] = [];
  const badgeSale = async (fn: 'buy1155WithEth' | 'buy1155BatchWithEth', ids: bigint[], amounts: bigint[], seller: Address, buyer: Address, price: bigint, timestamp: bigint) => {
    const args = fn === 'buy1155WithEth' ? [badges, ids[0]!, amounts[0]!, seller] : [badges, ids, amounts, seller];
    queueCall(driver, buyer, directSale, nft.directSale.abi, fn, args, price);
    const [tx] = await driver.mine(timestamp);
    badgeSales.push({ kind: 'direct-1155', tokenId: ids[0]!, ids, amounts, seller, buyer, price, transactionHash: tx!.hash, blockNumber: tx!.blockNumber, timestamp });
  };
  await badgeSale('buy1155WithEth', [2n], [2n], minters[1]!, buyers[1]!, parseEther('0.3'), at(23n));
  await badgeSale('buy1155BatchWithEth', [3n, 4n], [2n, 1n], minters[2]!, buyers[2]!, parseEther('0.5'), at(24n));
  queueCall(driver, minters[0]!, badges, nft.badges.abi, 'safeTransferFrom', [minters[0]!, buyers[0]!, 1n, 3n, '0x']);
  const [badgeGiftTx] = await driver.mine(at(25n));
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
    flashSale: { pool: flash.pool, buyer: flash.buyer, tokenId: flashTokenId, transactionHash: flashTx!.hash },
    badges: { address: badges, sales: badgeSales, gift: { tokenId: 1n, amount: 3n, transactionHash: badgeGiftTx!.hash } },
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

/**
 * A Uniswap V3 WETH pool to borrow from (`flash`), and the flash buyer: a WETH/FLP pool (FLP a
 * plain ERC-20, so WETH's USD anchor, the WETH/dUSD pair, stays the only one) holding about
 * 50 WETH, full range, minted through the market scenario's `MarketTrader`; `FlashBuyer`, owned by
 * `owner`, holds 1 WETH for the loan's fee.
 */
async function openFlashPool(driver: DevnetDriver, market: MarketContracts, flashBuyer: CompiledContract, core: DexCore, owner: Address, at: bigint): Promise<{ pool: Address; buyer: Address }> {
  const admin = DEVNET_ADMIN;
  const deploy = (from: Address, c: { abi: CompiledContract['abi']; bytecode: Hex }, args: readonly unknown[] = []) =>
    driver.queue({ from, data: encodeDeployData({ abi: c.abi, bytecode: c.bytecode, args }), gas: 8_000_000n });
  deploy(admin, ARTIFACTS.erc20, ['Flash Loan Partner', 'FLP']);
  deploy(admin, market.marketTrader);
  deploy(owner, flashBuyer);
  const [flpTx, traderTx, buyerTx] = await driver.mine(at);
  const [flp, trader, buyer] = [flpTx!.contractAddress!, traderTx!.contractAddress!, buyerTx!.contractAddress!];
  queueCall(driver, admin, core.uniswapV3Factory, UNISWAP_V3.factory.abi, 'createPool', [core.weth, flp, FLASH_POOL_FEE], undefined, 6_000_000n);
  queueCall(driver, admin, core.weth, ARTIFACTS.weth9.abi, 'deposit', [], parseEther('60'));
  queueCall(driver, admin, flp, ARTIFACTS.erc20.abi, 'mint', [admin, parseEther('60')]);
  for (const t of [core.weth, flp]) queueCall(driver, admin, t, ARTIFACTS.erc20.abi, 'approve', [trader, maxUint256]);
  queueCall(driver, owner, core.weth, ARTIFACTS.weth9.abi, 'deposit', [], parseEther('1'));
  queueCall(driver, owner, core.weth, ARTIFACTS.erc20.abi, 'transfer', [buyer, parseEther('1')]);
  await driver.mine(at + 12n);
  const word = await driver.call<Hex>('eth_call', [{ to: core.uniswapV3Factory, data: encodeFunctionData({ abi: UNISWAP_V3.factory.abi, functionName: 'getPool', args: [core.weth, flp, FLASH_POOL_FEE] }) }, 'latest']);
  const pool = getAddress(`0x${word.slice(-40)}`);
  // Both tokens have 18 decimals: a 1:1 price, and liquidity L moves about L of each token.
  const { lower, upper } = fullRangeTicks(TICK_SPACING[FLASH_POOL_FEE]!);
  queueCall(driver, admin, pool, UNISWAP_V3.pool.abi, 'initialize', [sqrtPriceX96For({ num: 1n, den: 1n }, true, 18, 18)]);
  queueCall(driver, admin, trader, market.marketTrader.abi, 'mintV3', [pool, lower, upper, parseEther('50')], undefined, 1_000_000n);
  await driver.mine(at + 24n);
  return { pool, buyer };
}
