import type { RiskyFunctionCategory, SecurityCapabilities } from './schemas';
import { toFunctionSelector, type Hex } from 'viem';

/**
 * Function signatures that give someone power over holders, by what they do. Names follow what
 * scam and meme tokens (and a few well-known tokens: USDT's addBlackList/destroyBlackFunds)
 * actually use; matching is by 4-byte selector against the dispatcher, so a renamed function is
 * missed (the trading simulation still catches its effect when it is active).
 */
const CATALOGUE: Record<RiskyFunctionCategory, readonly string[]> = {
  mint: ['mint(address,uint256)', 'mint(uint256)', 'mintTo(address,uint256)', 'mintFor(address,uint256)', 'issue(uint256)', 'generateTokens(address,uint256)'],
  pause: ['pause()', 'setPaused(bool)', 'setPause(bool)', 'pauseTransfers()', 'setTradingEnabled(bool)', 'setTrading(bool)', 'tradingStatus(bool)'],
  blacklist: [
    'blacklist(address)',
    'blacklistAddress(address,bool)',
    'addToBlacklist(address)',
    'addBlacklist(address)',
    'addBlackList(address)',
    'setBlacklist(address,bool)',
    'setBlacklisted(address,bool)',
    'isBlacklisted(address)',
    'isBlackListed(address)',
    'manageBlacklist(address[],bool)',
    'setBots(address[])',
    'addBots(address[])',
    'blockBots(address[])',
    'setBot(address,bool)',
    'freezeAccount(address,bool)',
    'freeze(address)',
  ],
  whitelist: [
    'whitelist(address)',
    'addToWhitelist(address)',
    'addWhitelist(address)',
    'setWhitelist(address,bool)',
    'setWhitelisted(address,bool)',
    'setWhiteList(address,bool)',
    'isWhitelisted(address)',
  ],
  tax: [
    'setFee(uint256)',
    'setFees(uint256,uint256)',
    'setTax(uint256)',
    'setTaxes(uint256,uint256)',
    'setBuyTax(uint256)',
    'setSellTax(uint256)',
    'setBuyFee(uint256)',
    'setSellFee(uint256)',
    'setTaxFee(uint256)',
    'setTaxFeePercent(uint256)',
    'setLiquidityFeePercent(uint256)',
    'setFeePercent(uint256)',
    'setMarketingFee(uint256)',
    'updateFees(uint256,uint256)',
    'updateBuyFees(uint256,uint256,uint256)',
    'updateSellFees(uint256,uint256,uint256)',
  ],
  balance: [
    'setBalance(address,uint256)',
    'setBalances(address[],uint256[])',
    'changeBalance(address,uint256)',
    'updateBalance(address,uint256)',
    'destroyBlackFunds(address)',
  ],
  cooldown: [
    'setCooldown(uint256)',
    'setCooldownEnabled(bool)',
    'setCooldownTime(uint256)',
    'cooldownEnabled()',
    'setTransferDelayEnabled(bool)',
    'disableTransferDelay()',
  ],
  'anti-whale': [
    'maxTxAmount()',
    '_maxTxAmount()',
    'maxTransactionAmount()',
    'maxWalletSize()',
    '_maxWalletSize()',
    'maxWallet()',
    'maxWalletAmount()',
    'setMaxTxAmount(uint256)',
    'setMaxTxPercent(uint256)',
    'setMaxTransactionAmount(uint256)',
    'setMaxWalletSize(uint256)',
    'setMaxWallet(uint256)',
    'setMaxTx(uint256)',
    'updateMaxTxnAmount(uint256)',
    'updateMaxWalletAmount(uint256)',
    'removeLimits()',
  ],
  'trading-switch': ['enableTrading()', 'openTrading()', 'startTrading()'],
  upgrade: ['upgradeTo(address)', 'upgradeToAndCall(address,bytes)'],
};

/** A catalogued function: its category and whether it sets something (vs. only reads it). */
export interface CataloguedFunction {
  selector: Hex;
  signature: string;
  category: RiskyFunctionCategory;
  setter: boolean;
}

/** Selector → catalogued function. */
export const RISKY_SELECTORS: ReadonlyMap<Hex, CataloguedFunction> = new Map(
  (Object.entries(CATALOGUE) as [RiskyFunctionCategory, readonly string[]][]).flatMap(([category, signatures]) =>
    signatures.map((signature) => {
      const selector = toFunctionSelector(`function ${signature}`);
      return [selector, { selector, signature, category, setter: !/^(_?max\w*|cooldownEnabled|is\w+)\(\)|^is\w+\(address\)/.test(signature) }] as const;
    }),
  ),
);

/** The functions of the catalogue among `selectors`. */
export function matchRiskyFunctions(selectors: Iterable<Hex>): CataloguedFunction[] {
  const found: CataloguedFunction[] = [];
  for (const selector of new Set(selectors)) {
    const fn = RISKY_SELECTORS.get(selector);
    if (fn) found.push(fn);
  }
  return found.sort((a, b) => a.category.localeCompare(b.category) || a.signature.localeCompare(b.signature));
}

/** What the found functions let their caller do. */
export function capabilitiesOf(functions: readonly CataloguedFunction[]): SecurityCapabilities {
  const has = (category: RiskyFunctionCategory) => functions.some((f) => f.category === category);
  return {
    mintable: has('mint'),
    transferPausable: has('pause'),
    blacklist: has('blacklist'),
    whitelist: has('whitelist'),
    ownerCanChangeBalance: has('balance'),
    taxModifiable: has('tax'),
    tradingCooldown: has('cooldown'),
    antiWhale: has('anti-whale'),
    antiWhaleModifiable: functions.some((f) => f.category === 'anti-whale' && f.setter && f.signature !== 'removeLimits()'),
  };
}
