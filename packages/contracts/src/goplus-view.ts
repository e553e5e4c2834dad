import type { SecurityResult, TokenHolder } from './agent-security';
import { formatUnits } from './format-units';
import type { GoPlusHolder, GoPlusTokenSecurity, GoPlusTokenSecurityResponse } from './goplus-token-security';

/**
 * A security result in GoPlus `token_security` shape, for `?format=goplus`: "1"/"0" flags ("" when
 * this result does not know), taxes and percentages as fractions in strings ("0.5" = 50 %),
 * balances in token units. Flags GoPlus derives from data the security agent does not read (hidden
 * owner, reclaimable ownership, slippage setters, external calls) are "" rather than a guessed "0".
 */
export function toGoPlus(result: SecurityResult): GoPlusTokenSecurityResponse {
  return { code: 1, message: 'OK', result: { [result.target.toLowerCase()]: toGoPlusTokenSecurity(result) } };
}

export function toGoPlusTokenSecurity(result: SecurityResult): GoPlusTokenSecurity {
  const { token, contract, capabilities: caps, trading, holders, liquidity } = result.data;
  const decimals = token.decimals ?? 0;
  const units = (raw: string | bigint) => formatUnits(BigInt(raw), decimals);
  // GoPlus's lp_* fields describe one pool's LP: the deepest pool when it is V3 and its positions
  // were attributed to NFT owners (balances in liquidity units, no total supply), otherwise the
  // deepest pool with an LP token (V2).
  const deepest = liquidity.pools[0];
  const v3Lp = deepest?.dex === 'uniswap-v3' && deepest.lpHolderCount !== null;
  const lpPool = v3Lp ? deepest : liquidity.pools.find((p) => p.lpTotalSupply !== null);
  const lpUnits = (raw: string) => (v3Lp ? BigInt(raw).toString() : formatUnits(BigInt(raw), 18));
  // A locker counts as locked while it still locks something; one holding only expired locks does not.
  const stillLocking = new Set((lpPool?.lpLocks ?? []).filter((l) => l.lockedPercent > 0).map((l) => l.locker));
  // A pool among the holders is tagged with its own DEX, as GoPlus does ("UniswapV2", "PancakeV2", …).
  const poolTags = new Map(liquidity.pools.map((p) => [p.address, goPlusDexName(p.dexName)]));
  return {
    token_name: token.name ?? '',
    token_symbol: token.symbol ?? '',
    total_supply: units(token.totalSupply),
    holder_count: holders ? String(holders.holderCount) : '',
    is_proxy: flag(contract.isProxy),
    is_mintable: flag(caps.mintable),
    owner_address: contract.ownerAddress ?? '',
    owner_balance: holders?.ownerBalance != null ? units(holders.ownerBalance) : '',
    owner_percent: holders?.ownerPercent != null ? fraction(holders.ownerPercent) : '',
    // The deployer (the creating transaction's sender), known even when holders are not.
    creator_address: contract.creator.address ?? holders?.creatorAddress ?? '',
    creator_balance: holders?.creatorBalance != null ? units(holders.creatorBalance) : '',
    creator_percent: holders?.creatorPercent != null ? fraction(holders.creatorPercent) : '',
    can_take_back_ownership: '',
    owner_change_balance: flag(caps.ownerCanChangeBalance),
    hidden_owner: '',
    selfdestruct: flag(contract.selfdestruct),
    external_call: '',
    buy_tax: tax(trading.buyTax),
    sell_tax: tax(trading.sellTax),
    transfer_tax: tax(trading.transferTax),
    cannot_buy: flag(trading.cannotBuy),
    cannot_sell_all: flag(trading.cannotSellAll),
    slippage_modifiable: flag(caps.taxModifiable),
    is_honeypot: flag(trading.isHoneypot),
    transfer_pausable: flag(caps.transferPausable),
    is_blacklisted: flag(caps.blacklist),
    is_whitelisted: flag(caps.whitelist),
    is_anti_whale: flag(caps.antiWhale),
    anti_whale_modifiable: flag(caps.antiWhaleModifiable),
    trading_cooldown: flag(caps.tradingCooldown),
    personal_slippage_modifiable: '',
    is_in_dex: flag(liquidity.pools.length > 0),
    dex: liquidity.pools.map((p) =>
      p.dex === 'uniswap-v3'
        ? { liquidity_type: 'UniV3', name: goPlusDexName(p.dexName), pair: p.address, liquidity: '' }
        : { liquidity_type: 'UniV2', name: goPlusDexName(p.dexName), pair: p.address, liquidity: '' },
    ),
    holders: (holders?.topHolders ?? []).map((h) => holder(h, units, new Set(), poolTags)),
    lp_holder_count: lpPool?.lpHolderCount != null ? String(lpPool.lpHolderCount) : '',
    lp_total_supply: lpPool?.lpTotalSupply != null ? formatUnits(BigInt(lpPool.lpTotalSupply), 18) : '',
    lp_holders: (lpPool?.lpHolders ?? []).map((h) => holder(h, lpUnits, stillLocking)),
  };
}

function holder(h: TokenHolder, units: (raw: string) => string, lockers: ReadonlySet<string> = new Set(), poolTags: ReadonlyMap<string, string> = new Map()): GoPlusHolder {
  return {
    address: h.address,
    // A pool that is not among the pools described (past the five analysed) keeps the generic tag.
    tag: h.tag === 'burn' ? 'Burn' : h.tag === 'pool' ? (poolTags.get(h.address) ?? 'DEX pool') : h.tag === 'locker' ? 'Locker' : '',
    is_contract: h.isContract ? '1' : '0',
    balance: units(h.balance),
    percent: fraction(h.percent),
    is_locked: h.tag === 'burn' || (h.tag === 'locker' && lockers.has(h.address)) ? '1' : '0',
  };
}

const flag = (value: boolean | null): '0' | '1' | '' => (value === null ? '' : value ? '1' : '0');
const tax = (value: number | null) => (value === null ? '' : trim(value));
/** 0–100 percent → GoPlus fraction string. */
const fraction = (percent: number) => trim(percent / 100);
const trim = (n: number) => String(Number(n.toFixed(8)));


/** GoPlus's DEX names for the factories the agents list; a listed name GoPlus has no spelling for is kept as is. */
const GOPLUS_DEX_NAMES: Record<string, string> = {
  'uniswap-v2': 'UniswapV2',
  'uniswap-v3': 'UniswapV3',
  'pancakeswap-v2': 'PancakeV2',
  'pancakeswap-v3': 'PancakeV3',
  sushiswap: 'SushiSwap',
  aerodrome: 'Aerodrome',
  'velodrome-v2': 'Velodrome',
  'unlisted-v2': 'Unlisted V2 fork',
  'unlisted-v3': 'Unlisted V3 fork',
  'unlisted-solidly': 'Unlisted Solidly fork',
};

function goPlusDexName(dexName: string): string {
  return GOPLUS_DEX_NAMES[dexName] ?? dexName;
}
