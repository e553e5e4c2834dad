import { EIP1967_SLOTS } from '@oca/chain';
import type { AddressData, Finding, Network, TokenInfo } from '@oca/contracts';
import type { Address, Hex } from 'viem';

/** What the findings and the summary are written from. */
export interface AddressFacts {
  network: Network;
  target: Address;
  blockNumber: bigint;
  /** Native currency symbol of the network (ETH, POL, BNB). */
  nativeSymbol: string;
  data: AddressData;
  /** Raw EIP-1967 slot words at `blockNumber`. */
  slots: { implementation: Hex; admin: Hex; beacon: Hex };
  delegatedTo: Address | null;
  /** What the beacon's `implementation()` returned, for beacon proxies. */
  beaconImplementation: Address | null;
}

export function addressFindings(facts: AddressFacts): Finding[] {
  return [kindFinding(facts), ...tokenFindings(facts), ...proxyFindings(facts)];
}

/** One sentence: what the address is, and what it holds, at which block. */
export function addressSummary(facts: AddressFacts): string {
  const { data } = facts;
  const what =
    data.kind === 'eoa'
      ? facts.delegatedTo
        ? `an externally owned account delegating its code to ${facts.delegatedTo} (EIP-7702)`
        : 'an externally owned account'
      : `a contract${data.token ? ` (${describeToken(data.token)})` : ''}${data.proxy ? ' behind an upgradeable EIP-1967 proxy' : ''}`;
  return `${facts.target} on ${facts.network} is ${what}, holding ${data.balance} ${facts.nativeSymbol} at block ${facts.blockNumber}.`;
}

function kindFinding({ data, blockNumber, delegatedTo }: AddressFacts): Finding {
  if (delegatedTo) {
    return {
      severity: 'medium',
      title: 'EOA delegates its code (EIP-7702)',
      evidence: `Code at block ${blockNumber} is the delegation designator 0xef0100…; calls to this account run the code of ${delegatedTo}. Nonce ${data.nonce}.`,
    };
  }
  if (data.kind === 'eoa') {
    return {
      severity: 'info',
      title: 'Externally owned account',
      evidence: `No code at block ${blockNumber}; nonce ${data.nonce} (transactions sent).`,
    };
  }
  return {
    severity: 'info',
    title: 'Contract',
    evidence: `Runtime code of ${data.codeSize} bytes at block ${blockNumber}, keccak256 ${data.codeHash}.`,
  };
}

function tokenFindings({ data }: AddressFacts): Finding[] {
  if (data.kind !== 'contract') return [];
  const token = data.token;
  if (!token) {
    return [
      {
        severity: 'info',
        title: 'No token standard detected',
        evidence:
          'supportsInterface did not report ERC-721 or ERC-1155, and totalSupply() with decimals()/name()/symbol() did not answer as ERC-20.',
      },
    ];
  }
  const findings: Finding[] = [
    {
      severity: 'info',
      title: `${standardLabel(token)} token ${token.symbol ?? token.name ?? '(no symbol)'}`,
      evidence: tokenEvidence(token),
    },
  ];
  const missing = missingMetadata(token);
  if (missing.length > 0) {
    findings.push({
      severity: 'low',
      title: 'Token metadata not exposed',
      evidence: `${missing.join(', ')} reverted or returned no decodable value; the fields are null rather than guessed.`,
    });
  }
  return findings;
}

function proxyFindings({ data, slots, beaconImplementation }: AddressFacts): Finding[] {
  const proxy = data.proxy;
  if (!proxy) return [];
  const evidence = [
    `EIP-1967 implementation slot ${EIP1967_SLOTS.implementation} = ${slots.implementation}`,
    `admin slot ${EIP1967_SLOTS.admin} = ${slots.admin}`,
    `beacon slot ${EIP1967_SLOTS.beacon} = ${slots.beacon}`,
  ];
  if (proxy.beacon) {
    evidence.push(`beacon.implementation() = ${beaconImplementation ?? 'no answer'}`);
    return [{ severity: 'medium', title: 'Beacon proxy: the beacon owner can change code', evidence: `${evidence.join('; ')}.` }];
  }
  if (!proxy.admin) {
    // UUPS proxies keep the upgrade function in the implementation, so an empty admin slot does
    // not mean the code is frozen.
    evidence.push('admin slot empty: upgrade rights, if any, live in the implementation (UUPS)');
  }
  return [{ severity: 'medium', title: 'Upgradeable proxy: admin can change code', evidence: `${evidence.join('; ')}.` }];
}

function describeToken(token: TokenInfo): string {
  const label = standardLabel(token);
  if (token.name && token.symbol) return `${label} "${token.name}" (${token.symbol})`;
  const known = token.name ?? token.symbol;
  return known ? `${label} "${known}"` : label;
}

function standardLabel(token: TokenInfo): string {
  return { ERC20: 'ERC-20', ERC721: 'ERC-721', ERC1155: 'ERC-1155' }[token.standard];
}

function tokenEvidence(token: TokenInfo): string {
  const parts = [`name ${quote(token.name)}`, `symbol ${quote(token.symbol)}`];
  if (token.standard === 'ERC20') parts.push(`decimals ${token.decimals ?? 'not exposed'}`);
  parts.push(`totalSupply ${token.totalSupply === null ? 'not exposed' : `${token.totalSupply} raw units`}`);
  return `${parts.join(', ')}.`;
}

/** Which metadata calls did not answer; ERC-1155 has no name/symbol in its standard. */
function missingMetadata(token: TokenInfo): string[] {
  if (token.standard === 'ERC1155') return [];
  const missing: string[] = [];
  if (token.name === null) missing.push('name()');
  if (token.symbol === null) missing.push('symbol()');
  if (token.standard === 'ERC20' && token.decimals === null) missing.push('decimals()');
  return missing;
}

function quote(value: string | null): string {
  return value === null ? 'not exposed' : JSON.stringify(value);
}
