import { compileSolidity, type CompiledContract } from '../solc';

/**
 * A devnet stablecoin with its name, symbol and decimals as constructor arguments; only the minter
 * mints. The creation code (with its arguments) decides its CREATE2 address, which @oca/chain
 * lists among `DEX_DEPLOYMENTS.devnet.usdStables`: editing this source moves the addresses
 * (`stables-scenario.test.ts` says so).
 */
const SOURCE = `// SPDX-License-Identifier: MIT
pragma solidity 0.8.26;
import "@openzeppelin/contracts/token/ERC20/ERC20.sol";

contract DevnetStable is ERC20 {
    address public immutable minter;
    uint8 private immutable _decimals;

    constructor(string memory name_, string memory symbol_, uint8 decimals_, address minter_) ERC20(name_, symbol_) {
        _decimals = decimals_;
        minter = minter_;
    }

    function decimals() public view override returns (uint8) {
        return _decimals;
    }

    function mint(address to, uint256 amount) external {
        require(msg.sender == minter, "not minter");
        _mint(to, amount);
    }
}
`;

export function compileDevnetStable(): CompiledContract {
  const contract = compileSolidity({ sources: { 'DevnetStable.sol': SOURCE } }).DevnetStable;
  if (!contract) throw new Error('solc output has no DevnetStable');
  return contract;
}
