import { z } from 'zod';

// ---- GoPlus-compatible view of a security result (`?format=goplus`) ----
// The answer shape of GoPlus `token_security` (v1), so clients written against GoPlus read a
// security job's result unchanged. The security result itself is in agent-security.ts.

/** GoPlus flag: "1" true, "0" false, "" unknown. */
const GoPlusFlag = z.enum(['0', '1', '']);

export const GoPlusHolder = z.object({
  address: z.string(),
  tag: z.string(),
  is_contract: z.enum(['0', '1']),
  /** Token units (decimals applied). */
  balance: z.string(),
  /** Fraction of the supply as a string: "1" means 100 %. */
  percent: z.string(),
  is_locked: z.enum(['0', '1']),
});
export type GoPlusHolder = z.infer<typeof GoPlusHolder>;

/**
 * The fields of GoPlus `token_security` (v1) this agent can answer from the chain. Fields GoPlus
 * computes from off-chain data (is_open_source, trust_list, honeypot_with_same_creator,
 * is_airdrop_scam) are left out rather than guessed.
 */
export const GoPlusTokenSecurity = z.object({
  token_name: z.string(),
  token_symbol: z.string(),
  total_supply: z.string(),
  holder_count: z.string(),
  is_proxy: GoPlusFlag,
  is_mintable: GoPlusFlag,
  owner_address: z.string(),
  owner_balance: z.string(),
  owner_percent: z.string(),
  creator_address: z.string(),
  creator_balance: z.string(),
  creator_percent: z.string(),
  can_take_back_ownership: GoPlusFlag,
  owner_change_balance: GoPlusFlag,
  hidden_owner: GoPlusFlag,
  selfdestruct: GoPlusFlag,
  external_call: GoPlusFlag,
  buy_tax: z.string(),
  sell_tax: z.string(),
  transfer_tax: z.string(),
  cannot_buy: GoPlusFlag,
  cannot_sell_all: GoPlusFlag,
  slippage_modifiable: GoPlusFlag,
  is_honeypot: GoPlusFlag,
  transfer_pausable: GoPlusFlag,
  is_blacklisted: GoPlusFlag,
  is_whitelisted: GoPlusFlag,
  is_anti_whale: GoPlusFlag,
  anti_whale_modifiable: GoPlusFlag,
  trading_cooldown: GoPlusFlag,
  personal_slippage_modifiable: GoPlusFlag,
  is_in_dex: GoPlusFlag,
  dex: z.array(z.object({ liquidity_type: z.string(), name: z.string(), pair: z.string(), liquidity: z.string() })),
  holders: z.array(GoPlusHolder),
  lp_holder_count: z.string(),
  lp_total_supply: z.string(),
  lp_holders: z.array(GoPlusHolder),
});
export type GoPlusTokenSecurity = z.infer<typeof GoPlusTokenSecurity>;

/** GoPlus's envelope: `result` keyed by the lower-case token address. */
export const GoPlusTokenSecurityResponse = z.object({
  code: z.literal(1),
  message: z.literal('OK'),
  result: z.record(z.string(), GoPlusTokenSecurity),
});
export type GoPlusTokenSecurityResponse = z.infer<typeof GoPlusTokenSecurityResponse>;
