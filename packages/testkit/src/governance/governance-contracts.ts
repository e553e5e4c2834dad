import { readFileSync } from 'node:fs';
import path from 'node:path';
import GovernorAlpha from '@uniswap/governance/build/GovernorAlpha.json';
import Timelock from '@uniswap/governance/build/Timelock.json';
import Uni from '@uniswap/governance/build/Uni.json';
import Safe from '@safe-global/safe-contracts/build/artifacts/contracts/Safe.sol/Safe.json';
import SafeProxyFactory from '@safe-global/safe-contracts/build/artifacts/contracts/proxies/SafeProxyFactory.sol/SafeProxyFactory.json';
import type { Abi, Hex } from 'viem';
import type { Artifact } from '../artifacts';
import { compileSolidity } from '../solc';

/** Both governance stacks the scenario deploys: ABI and creation bytecode of each contract. */
export interface GovernanceContracts {
  /** OpenZeppelin 4.9.6 ERC20Votes token, compiled with solc-js from OpenZeppelin's sources. */
  votesToken: Artifact;
  /** OpenZeppelin 4.9.6 TimelockController, compiled from source. */
  timelockController: Artifact;
  /** A concrete OpenZeppelin 4.9.6 Governor (settings, simple counting, votes, quorum fraction, timelock control). */
  governor: Artifact;
  /** `@uniswap/governance` artifacts as published: UNI, GovernorAlpha and Compound's Timelock. */
  uni: Artifact;
  governorAlpha: Artifact;
  compoundTimelock: Artifact;
  /** OpenZeppelin 4.9.6 `GovernorCompatibilityBravo` over Compound's Timelock, compiled from source (`DevnetBravo.sol`). */
  bravoGovernor: Artifact;
  /** `@safe-global/safe-contracts` 1.4.1 artifacts as published: the Safe singleton and its proxy factory. */
  safeSingleton: Artifact;
  safeProxyFactory: Artifact;
}

/** Waffle builds store bytecode without the `0x` prefix. */
function published(json: { abi: unknown; bytecode: string }): Artifact {
  return { abi: json.abi as Abi, bytecode: (json.bytecode.startsWith('0x') ? json.bytecode : `0x${json.bytecode}`) as Hex };
}

/** The OpenZeppelin contracts compiled with solc-js (cached: ~30 s the first time, milliseconds after), the Uniswap and Safe artifacts. */
export function loadGovernanceContracts(): GovernanceContracts {
  // src/governance or dist/governance: the .sol source is only in src.
  const compile = (file: string) => compileSolidity({ sources: { [file]: readFileSync(path.join(__dirname, '..', '..', 'src', 'governance', file), 'utf8') } });
  const compiled = { ...compile('DevnetGovernance.sol'), ...compile('DevnetBravo.sol') };
  const pick = (name: string): Artifact => {
    const contract = compiled[name];
    if (!contract) throw new Error(`the governance sources compiled to no ${name}`);
    return { abi: contract.abi, bytecode: contract.bytecode };
  };
  return {
    votesToken: pick('DevnetVotesToken'),
    timelockController: pick('DevnetTimelock'),
    governor: pick('DevnetGovernor'),
    uni: published(Uni),
    governorAlpha: published(GovernorAlpha),
    compoundTimelock: published(Timelock),
    bravoGovernor: pick('DevnetBravoGovernor'),
    safeSingleton: published(Safe),
    safeProxyFactory: published(SafeProxyFactory),
  };
}
