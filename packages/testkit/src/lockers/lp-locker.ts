import { readFileSync } from 'node:fs';
import path from 'node:path';
import { LP_LOCKERS } from '@oca/chain';
import { concatHex, getContractAddress, keccak256, toHex, type Address } from 'viem';
import type { Deployer } from '../deployer';
import { CREATE2_DEPLOYER } from '../markets/dex-core';
import { compileSolidity, type CompiledContract } from '../solc';

const SALT = keccak256(toHex('oca:devnet-lp-locker:v1'));

/** The devnet LP time-lock, compiled with solc-js (cached). */
export function compileLpTimeLock(): CompiledContract {
  // src/lockers or dist/lockers: the .sol source is only in src.
  const file = path.join(__dirname, '..', '..', 'src', 'lockers', 'LpTimeLock.sol');
  const contract = compileSolidity({ sources: { 'LpTimeLock.sol': readFileSync(file, 'utf8') } }).LpTimeLock;
  if (!contract) throw new Error('LpTimeLock.sol compiled to no LpTimeLock');
  return contract;
}

/** Where `deployLpTimeLock` puts the locker: a pure function of its creation code. */
export function lpTimeLockAddress(contract: CompiledContract = compileLpTimeLock()): Address {
  return getContractAddress({ opcode: 'CREATE2', from: CREATE2_DEPLOYER, salt: SALT, bytecode: contract.bytecode });
}

/**
 * Deploys the LP time-lock through anvil's CREATE2 deployer (skipped when already there) and
 * checks it landed where `LP_LOCKERS.devnet` in @oca/chain lists it — which is how the security
 * agent recognises it without extra params, as it finds the devnet DEX core.
 */
export async function deployLpTimeLock(d: Deployer): Promise<{ address: Address; contract: CompiledContract }> {
  const contract = compileLpTimeLock();
  const address = lpTimeLockAddress(contract);
  const listed = LP_LOCKERS.devnet.find((l) => l.address === address);
  if (!listed) {
    throw new Error(
      `devnet LP locker moved to ${address}; update LP_LOCKERS.devnet in packages/chain/src/lp-lockers.ts (listed: ${LP_LOCKERS.devnet.map((l) => l.address).join(', ') || 'none'})`,
    );
  }
  if (((await d.getCode(address)) ?? '0x') === '0x') await d.send(CREATE2_DEPLOYER, concatHex([SALT, contract.bytecode]), 3_000_000n);
  if (((await d.getCode(address)) ?? '0x') === '0x') throw new Error(`CREATE2 deployment of the LP locker at ${address} left no code`);
  return { address, contract };
}
