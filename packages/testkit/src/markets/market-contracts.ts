import { compileSolidity, type CompiledContract } from '../solc';

/**
 * The market scenario's own contracts, compiled with solc-js (cached). Everything else it deploys
 * is published npm bytecode (WETH9, Uniswap V2/V3 factories and pools, OpenZeppelin ERC-20).
 *
 * The stablecoin's creation code decides its CREATE2 address, which @oca/chain lists as the
 * devnet's canonical USD stable: editing this source moves the address (the scenario says so).
 */
const SOURCES = {
  'DevnetUsd.sol': `// SPDX-License-Identifier: MIT
pragma solidity 0.8.26;
import "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/// A 6-decimals USD stablecoin for the devnet, the anchor of USD prices. Only the minter mints.
contract DevnetUsd is ERC20 {
    address public immutable minter;

    constructor(address minter_) ERC20("Devnet USD", "dUSD") {
        minter = minter_;
    }

    function decimals() public pure override returns (uint8) {
        return 6;
    }

    function mint(address to, uint256 amount) external {
        require(msg.sender == minter, "dUSD: not minter");
        _mint(to, amount);
    }
}
`,
  'HoneypotToken.sol': `// SPDX-License-Identifier: MIT
pragma solidity 0.8.26;
import "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/// Buys work, sells revert: any transfer into the pair from anyone but the owner is refused.
contract HoneypotToken is ERC20 {
    address public immutable owner;
    address public pair;

    constructor(string memory name_, string memory symbol_, uint256 supply) ERC20(name_, symbol_) {
        owner = msg.sender;
        _mint(msg.sender, supply);
    }

    function setPair(address pair_) external {
        require(msg.sender == owner, "not owner");
        pair = pair_;
    }

    function _beforeTokenTransfer(address from, address to, uint256) internal view override {
        if (to == pair && pair != address(0) && from != owner) revert("sells disabled");
    }
}
`,
  'TaxedToken.sol': `// SPDX-License-Identifier: MIT
pragma solidity 0.8.26;
import "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/// Sells work but the token keeps sellTaxBps of every transfer into the pair (from anyone but the
/// owner): a sell simulation that only asks "did it revert?" passes it.
contract TaxedToken is ERC20 {
    address public immutable owner;
    uint256 public immutable sellTaxBps;
    address public pair;

    constructor(string memory name_, string memory symbol_, uint256 supply, uint256 sellTaxBps_) ERC20(name_, symbol_) {
        owner = msg.sender;
        sellTaxBps = sellTaxBps_;
        _mint(msg.sender, supply);
    }

    function setPair(address pair_) external {
        require(msg.sender == owner, "not owner");
        pair = pair_;
    }

    function _transfer(address from, address to, uint256 amount) internal override {
        if (to == pair && pair != address(0) && from != owner) {
            uint256 tax = (amount * sellTaxBps) / 10000;
            super._transfer(from, owner, tax);
            amount -= tax;
        }
        super._transfer(from, to, amount);
    }
}
`,
  'MarketTrader.sol': `// SPDX-License-Identifier: MIT
pragma solidity 0.8.26;

interface IERC20Like {
    function transferFrom(address from, address to, uint256 amount) external returns (bool);
    function balanceOf(address account) external view returns (uint256);
}

interface IV2Pair {
    function token0() external view returns (address);
    function getReserves() external view returns (uint112, uint112, uint32);
    function swap(uint256 amount0Out, uint256 amount1Out, address to, bytes calldata data) external;
}

interface IV3Pool {
    function token0() external view returns (address);
    function token1() external view returns (address);
    function swap(address recipient, bool zeroForOne, int256 amountSpecified, uint160 sqrtPriceLimitX96, bytes calldata data)
        external returns (int256, int256);
    function mint(address recipient, int24 tickLower, int24 tickUpper, uint128 amount, bytes calldata data)
        external returns (uint256, uint256);
}

/// Test-only swap and liquidity helper: pulls the caller's approved tokens straight into pools.
/// Its callbacks trust any caller, so it must never hold approvals on a real chain.
contract MarketTrader {
    uint160 internal constant MIN_SQRT_RATIO_PLUS_ONE = 4295128740;
    uint160 internal constant MAX_SQRT_RATIO_MINUS_ONE = 1461446703485210103287273052203988822378723970341;

    /// Exact-input swap on a V2 pair, output sent to \`to\`; the input actually received is used,
    /// so fee-on-transfer tokens swap too.
    function swapV2(address pair, address tokenIn, uint256 amountIn, address to) external returns (uint256 amountOut) {
        (uint112 r0, uint112 r1, ) = IV2Pair(pair).getReserves();
        bool zeroIn = IV2Pair(pair).token0() == tokenIn;
        require(IERC20Like(tokenIn).transferFrom(msg.sender, pair, amountIn), "transferFrom failed");
        (uint256 reserveIn, uint256 reserveOut) = zeroIn ? (uint256(r0), uint256(r1)) : (uint256(r1), uint256(r0));
        uint256 received = IERC20Like(tokenIn).balanceOf(pair) - reserveIn;
        uint256 withFee = received * 997;
        amountOut = (withFee * reserveOut) / (reserveIn * 1000 + withFee);
        IV2Pair(pair).swap(zeroIn ? 0 : amountOut, zeroIn ? amountOut : 0, to, "");
    }

    /// Exact-input swap on a V3 pool without a price limit, output sent to \`to\`.
    function swapV3(address pool, address tokenIn, uint256 amountIn, address to) external returns (int256, int256) {
        bool zeroForOne = IV3Pool(pool).token0() == tokenIn;
        return IV3Pool(pool).swap(
            to, zeroForOne, int256(amountIn), zeroForOne ? MIN_SQRT_RATIO_PLUS_ONE : MAX_SQRT_RATIO_MINUS_ONE, abi.encode(msg.sender)
        );
    }

    /// Adds V3 liquidity owned by the caller, paid from the caller's approved balances.
    function mintV3(address pool, int24 tickLower, int24 tickUpper, uint128 liquidity) external returns (uint256, uint256) {
        return IV3Pool(pool).mint(msg.sender, tickLower, tickUpper, liquidity, abi.encode(msg.sender));
    }

    function uniswapV3SwapCallback(int256 amount0Delta, int256 amount1Delta, bytes calldata data) external {
        address payer = abi.decode(data, (address));
        if (amount0Delta > 0) _pay(IV3Pool(msg.sender).token0(), payer, uint256(amount0Delta));
        if (amount1Delta > 0) _pay(IV3Pool(msg.sender).token1(), payer, uint256(amount1Delta));
    }

    function uniswapV3MintCallback(uint256 amount0Owed, uint256 amount1Owed, bytes calldata data) external {
        address payer = abi.decode(data, (address));
        if (amount0Owed > 0) _pay(IV3Pool(msg.sender).token0(), payer, amount0Owed);
        if (amount1Owed > 0) _pay(IV3Pool(msg.sender).token1(), payer, amount1Owed);
    }

    function _pay(address token, address payer, uint256 amount) private {
        require(IERC20Like(token).transferFrom(payer, msg.sender, amount), "pay failed");
    }
}
`,
};

export interface MarketContracts {
  devnetUsd: CompiledContract;
  honeypotToken: CompiledContract;
  taxedToken: CompiledContract;
  marketTrader: CompiledContract;
}

export function compileMarketContracts(): MarketContracts {
  const out = compileSolidity({ sources: SOURCES });
  const pick = (name: string): CompiledContract => {
    const contract = out[name];
    if (!contract) throw new Error(`solc output has no ${name}`);
    return contract;
  };
  return { devnetUsd: pick('DevnetUsd'), honeypotToken: pick('HoneypotToken'), taxedToken: pick('TaxedToken'), marketTrader: pick('MarketTrader') };
}
