import { readFileSync } from 'node:fs';
import path from 'node:path';
import { getContractAddress, parseEther, type Address } from 'viem';
import type { Artifact } from '../artifacts';
import { connectDeployer } from '../deployer';
import { compileSolidity } from '../solc';

/** Who created what, for the security agent's `creator` (GoPlus `creator_address`) ground truth. */
export interface CreatorScenario {
  /** `TokenLauncher`: creates a token for whoever calls `launch`. */
  launcher: Address;
  /** The token `launch` created, and the account whose transaction called it. */
  launched: Address;
  launchedBy: Address;
  /** `MinterToken`: deployed by `minterTokenDeployer` with no supply; `minter` mints later, to `firstHolder`. */
  minterToken: Address;
  minterTokenDeployer: Address;
  minter: Address;
  firstHolder: Address;
}

/**
 * Two tokens whose deployer is not the first mint's sender, on the anvil at `rpcUrl` (its unlocked
 * accounts 4–7): one created by a factory contract called by an EOA, one deployed by an EOA whose
 * first mint another account sends, to a third one. Four transactions.
 */
export async function deployCreatorScenario(rpcUrl: string): Promise<CreatorScenario> {
  const d = await connectDeployer(rpcUrl);
  const [launchedBy, minterTokenDeployer, minter, firstHolder] = d.accounts.slice(4, 8);
  if (!launchedBy || !minterTokenDeployer || !minter || !firstHolder) throw new Error('deployCreatorScenario needs eight unlocked accounts (anvil defaults)');
  const file = path.join(__dirname, '..', '..', 'src', 'tokens', 'ScenarioTokens.sol');
  const compiled = compileSolidity({ sources: { 'ScenarioTokens.sol': readFileSync(file, 'utf8') } });
  const art = (name: string): Artifact => {
    const found = compiled[name];
    if (!found) throw new Error(`ScenarioTokens.sol has no contract ${name}`);
    return found;
  };

  const launcher = await d.deploy(art('TokenLauncher'), []);
  await d.write(launcher, art('TokenLauncher'), 'launch', ['Launched Token', 'LNCH', parseEther('1000000')], undefined, launchedBy);
  const minterToken = await d.deploy(art('MinterToken'), [minter], minterTokenDeployer);
  await d.write(minterToken, art('MinterToken'), 'mint', [firstHolder, parseEther('5000')], undefined, minter);
  // A contract's first CREATE uses nonce 1 (EIP-161).
  const launched = getContractAddress({ from: launcher, nonce: 1n });
  return { launcher, launched, launchedBy, minterToken, minterTokenDeployer, minter, firstHolder };
}
