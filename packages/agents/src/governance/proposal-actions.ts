import type { ActionFlag, ProposalAction } from '@oca/contracts';
import { concatHex, decodeFunctionData, getAddress, parseAbi, toFunctionSelector, type Address, type Hex } from 'viem';

/**
 * An ERC-20 transfer or native payment of at least this share of the treasury's balance of the
 * asset is flagged: a tenth is a decision a reviewer should see named, whatever the asset's price.
 */
export const LARGE_TRANSFER_SHARE = 0.1;

/** The calls the agent names, and the flag each raises (transfers are judged by size). */
const KNOWN = parseAbi([
  'function upgradeTo(address newImplementation)',
  'function upgradeToAndCall(address newImplementation, bytes data)',
  'function upgrade(address proxy, address implementation)',
  'function upgradeAndCall(address proxy, address implementation, bytes data)',
  'function changeProxyAdmin(address proxy, address newAdmin)',
  'function changeAdmin(address newAdmin)',
  'function transferOwnership(address newOwner)',
  'function renounceOwnership()',
  'function grantRole(bytes32 role, address account)',
  'function revokeRole(bytes32 role, address account)',
  'function renounceRole(bytes32 role, address account)',
  'function setPendingAdmin(address pendingAdmin)',
  'function _setPendingAdmin(address newPendingAdmin)',
  'function acceptAdmin()',
  'function updateTimelock(address newTimelock)',
  'function transfer(address to, uint256 amount)',
  'function transferFrom(address from, address to, uint256 amount)',
  'function approve(address spender, uint256 amount)',
  'function updateDelay(uint256 newDelay)',
  'function setDelay(uint256 delay)',
]);

const FLAG_OF: Readonly<Record<string, ActionFlag>> = {
  upgradeTo: 'upgrade',
  upgradeToAndCall: 'upgrade',
  upgrade: 'upgrade',
  upgradeAndCall: 'upgrade',
  changeProxyAdmin: 'upgrade',
  changeAdmin: 'admin',
  transferOwnership: 'ownership',
  renounceOwnership: 'ownership',
  grantRole: 'role',
  revokeRole: 'role',
  renounceRole: 'role',
  setPendingAdmin: 'admin',
  _setPendingAdmin: 'admin',
  acceptAdmin: 'admin',
  updateTimelock: 'admin',
};

/** One action as a proposal stores it. */
export interface RawAction {
  target: Address;
  value: bigint;
  /** Alpha/Bravo: the function signature, calldata holding only the arguments; '' for OpenZeppelin. */
  signature: string;
  calldata: Hex;
}

/** What the treasury holds at the analysed block, for sizing transfers. */
export interface TreasuryHoldings {
  /** The timelock: the account every action executes from. */
  executor: Address | null;
  native: bigint | null;
  nativeSymbol: string;
  /** token address (lower case) → balance and symbol. */
  tokens: ReadonlyMap<string, { balance: bigint; symbol: string | null }>;
}

/** The call data as the timelock sends it: Alpha/Bravo prepend the signature's selector. */
export function executedCalldata(action: Pick<RawAction, 'signature' | 'calldata'>): Hex {
  return action.signature === '' ? action.calldata : concatHex([toFunctionSelector(action.signature), action.calldata]);
}

/** The call decoded against the functions the agent knows; null for anything else. */
export function decodeCall(data: Hex): { name: string; signature: string; args: readonly unknown[] } | null {
  if (data.length < 10) return null;
  try {
    const { functionName, args } = decodeFunctionData({ abi: KNOWN, data });
    const item = KNOWN.find((f) => f.name === functionName)!;
    return { name: functionName, signature: `${functionName}(${item.inputs.map((i) => i.type).join(',')})`, args: args ?? [] };
  } catch {
    return null;
  }
}

/** Decodes one action and names what it does: upgrades, ownership, roles, admin, large transfers. */
export function describeAction(action: RawAction, treasury: TreasuryHoldings): ProposalAction {
  const calldata = executedCalldata(action);
  const call = decodeCall(calldata);
  const flags = new Set<ActionFlag>();
  const notes: string[] = [];
  const named = call ? FLAG_OF[call.name] : undefined;
  if (call && named) {
    flags.add(named);
    notes.push(`${call.signature} on ${action.target}`);
  }
  if (action.value > 0n) {
    const note = largeTransferNote(action.value, treasury.native, treasury.nativeSymbol);
    if (note) {
      flags.add('treasury-transfer');
      notes.push(`sends ${note}`);
    }
  }
  const transfer = call ? tokenTransfer(call, treasury.executor) : null;
  if (transfer) {
    const held = treasury.tokens.get(action.target.toLowerCase());
    const note = largeTransferNote(transfer.amount, held?.balance ?? null, held?.symbol ?? `tokens of ${action.target}`);
    if (note) {
      flags.add('treasury-transfer');
      notes.push(`transfers ${note} to ${transfer.to}`);
    }
  }
  return {
    target: action.target,
    value: action.value.toString(),
    signature: action.signature,
    calldata,
    decoded: call ? { function: call.signature, args: call.args.map(formatArg) } : null,
    flags: [...flags],
    notes,
  };
}

/** The treasury's outflow in a transfer/transferFrom, or null when it is not one. */
function tokenTransfer(call: { name: string; args: readonly unknown[] }, executor: Address | null): { to: Address; amount: bigint } | null {
  if (call.name === 'transfer') return { to: call.args[0] as Address, amount: call.args[1] as bigint };
  if (call.name === 'transferFrom' && executor !== null && getAddress(call.args[0] as Address) === executor) {
    return { to: call.args[1] as Address, amount: call.args[2] as bigint };
  }
  return null;
}

/**
 * "25.00 % of the treasury's UNI" when `amount` is at least LARGE_TRANSFER_SHARE of `balance` (or
 * more than an empty treasury holds); null for smaller amounts or an unknown balance.
 */
export function largeTransferNote(amount: bigint, balance: bigint | null, symbol: string): string | null {
  if (balance === null) return null;
  if (balance === 0n) return amount > 0n ? `${amount} raw ${symbol}, more than the treasury holds (none)` : null;
  const share = Number((amount * 1_000_000n) / balance) / 10_000;
  return share >= LARGE_TRANSFER_SHARE * 100 ? `${share.toFixed(2)} % of the treasury's ${symbol}` : null;
}

function formatArg(arg: unknown): string {
  return typeof arg === 'string' ? arg : typeof arg === 'bigint' || typeof arg === 'boolean' || typeof arg === 'number' ? String(arg) : JSON.stringify(arg);
}
