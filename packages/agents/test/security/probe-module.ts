import { readFileSync } from 'node:fs';
import path from 'node:path';
import { compileSolidity } from '@oca/testkit';

/** The Solidity source of the probe and the generated module that carries its compiled code. */
export const PROBE_SOURCE = path.resolve(__dirname, '../../src/security/probe/SecurityProbe.sol');
export const PROBE_MODULE = path.resolve(__dirname, '../../src/security/probe/security-probe.generated.ts');

/**
 * Compiles SecurityProbe.sol (solc-js 0.8.26, optimizer 200 runs, through testkit's cache) and
 * renders the TypeScript module the agent imports: its ABI and runtime bytecode as constants.
 */
export function renderProbeModule(): string {
  const compiled = compileSolidity({ sources: { 'SecurityProbe.sol': readFileSync(PROBE_SOURCE, 'utf8') } }).SecurityProbe;
  if (!compiled) throw new Error('SecurityProbe.sol compiled to no SecurityProbe contract');
  return [
    '// GENERATED from SecurityProbe.sol by packages/agents/test/security/generate-probe.ts — do not edit.',
    '// Regenerate: npx tsx --conditions=development packages/agents/test/security/generate-probe.ts',
    '// probe-bytecode.test.ts fails when this file and a fresh compile differ.',
    '',
    `export const SECURITY_PROBE_ABI = ${JSON.stringify(compiled.abi)} as const;`,
    '',
    `export const SECURITY_PROBE_RUNTIME = '${compiled.deployedBytecode}' as const;`,
    '',
  ].join('\n');
}
