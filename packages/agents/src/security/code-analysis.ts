import { OPCODES, scanBytecode } from '@oca/chain';
import { zeroAddress, type Address, type Hex } from 'viem';
import { DEAD_ADDRESS } from './holder-stats';
import { capabilitiesOf, matchRiskyFunctions } from './risky-functions';
import type { RiskyFunction, SecurityCapabilities, SecurityContract, SecurityCreator, SecurityProxy } from './schemas';

export interface CodeAnalysisInput {
  code: Hex;
  codeHash: Hex | null;
  proxy: SecurityProxy | null;
  /** The implementation's runtime code when `proxy` resolved to one. */
  implementationCode: Hex | null;
  owner: Address | null;
  creator: SecurityCreator;
}

/**
 * Contract facts and capabilities from decoded bytecode. For a proxy both codes count: the proxy
 * answers every call with the implementation's functions, and a SELFDESTRUCT in either runs in
 * the token's context.
 */
export function analyseCode(input: CodeAnalysisInput): { contract: SecurityContract; capabilities: SecurityCapabilities } {
  const own = scanBytecode(input.code);
  const impl = input.implementationCode ? scanBytecode(input.implementationCode) : null;
  const functions: RiskyFunction[] = [];
  const seen = new Set<string>();
  for (const [foundIn, scan] of [
    ['contract', own],
    ['implementation', impl],
  ] as const) {
    if (!scan) continue;
    for (const fn of matchRiskyFunctions(scan.selectors)) {
      if (seen.has(fn.signature)) continue;
      seen.add(fn.signature);
      functions.push({ selector: fn.selector, signature: fn.signature, category: fn.category, foundIn });
    }
  }
  const hasOpcode = (op: number) => own.opcodes.has(op) || (impl?.opcodes.has(op) ?? false);
  const contract: SecurityContract = {
    codeSize: (input.code.length - 2) / 2,
    codeHash: input.codeHash ?? '',
    isProxy: input.proxy !== null,
    proxy: input.proxy,
    ownerAddress: input.owner,
    creator: input.creator,
    ownershipRenounced: input.owner === null ? null : input.owner === zeroAddress || input.owner === DEAD_ADDRESS,
    selfdestruct: hasOpcode(OPCODES.SELFDESTRUCT),
    // A proxy delegates by design; what matters is whether the code it runs delegates again.
    delegatecall: input.proxy ? (impl?.opcodes.has(OPCODES.DELEGATECALL) ?? false) : own.opcodes.has(OPCODES.DELEGATECALL),
    riskyFunctions: functions,
  };
  return { contract, capabilities: capabilitiesOf(matchRiskyFunctions([...own.selectors, ...(impl?.selectors ?? [])])) };
}
