/**
 * Source of the swap probe the trend agent injects by state override (see `sell-check.ts`). Its
 * runtime bytecode is embedded in `swap-probe.bytecode.ts`; `swap-probe.test.ts` recompiles this
 * source with solc 0.8.26 (optimizer, 200 runs) and fails if the two drift apart.
 */
export const SWAP_PROBE_SOURCE = `// SPDX-License-Identifier: MIT
pragma solidity 0.8.26;

interface IERC20Min {
    function balanceOf(address account) external view returns (uint256);
}

interface IV2PairMin {
    function token0() external view returns (address);
    function getReserves() external view returns (uint112, uint112, uint32);
    function swap(uint256 amount0Out, uint256 amount1Out, address to, bytes calldata data) external;
}

interface IV3PoolMin {
    function token0() external view returns (address);
    function swap(address recipient, bool zeroForOne, int256 amountSpecified, uint160 sqrtPriceLimitX96, bytes calldata data)
        external returns (int256, int256);
}

/// Never deployed: placed at an empty address by an eth_call state override, with its quote
/// balance set the same way. Buys the base token with quoteIn, then sells all it received, and
/// reports how far it got instead of reverting, so "cannot buy" and "cannot sell" come apart.
contract SwapProbe {
    uint160 internal constant MIN_SQRT_RATIO_PLUS_ONE = 4295128740;
    uint160 internal constant MAX_SQRT_RATIO_MINUS_ONE = 1461446703485210103287273052203988822378723970341;

    function probe(address pool, bool v3, address base, address quote, uint256 quoteIn)
        external
        returns (bool bought, bool sold, uint256 baseReceived, uint256 quoteReturned, bytes memory reason)
    {
        uint256 baseBefore = IERC20Min(base).balanceOf(address(this));
        try this.swapStep(pool, v3, quote, quoteIn) {} catch (bytes memory err) {
            return (false, false, 0, 0, err);
        }
        baseReceived = IERC20Min(base).balanceOf(address(this)) - baseBefore;
        bought = true;
        if (baseReceived == 0) return (true, false, 0, 0, bytes("buy delivered no tokens"));
        uint256 quoteBefore = IERC20Min(quote).balanceOf(address(this));
        try this.swapStep(pool, v3, base, baseReceived) {} catch (bytes memory err) {
            return (true, false, baseReceived, 0, err);
        }
        quoteReturned = IERC20Min(quote).balanceOf(address(this)) - quoteBefore;
        sold = true;
    }

    /// One exact-input swap into this contract. External so that probe() can catch its revert.
    function swapStep(address pool, bool v3, address tokenIn, uint256 amountIn) external {
        require(msg.sender == address(this), "self only");
        if (v3) {
            bool zeroForOne = IV3PoolMin(pool).token0() == tokenIn;
            IV3PoolMin(pool).swap(
                address(this), zeroForOne, int256(amountIn), zeroForOne ? MIN_SQRT_RATIO_PLUS_ONE : MAX_SQRT_RATIO_MINUS_ONE, abi.encode(tokenIn)
            );
            return;
        }
        (uint112 r0, uint112 r1, ) = IV2PairMin(pool).getReserves();
        bool zeroIn = IV2PairMin(pool).token0() == tokenIn;
        (uint256 reserveIn, uint256 reserveOut) = zeroIn ? (uint256(r0), uint256(r1)) : (uint256(r1), uint256(r0));
        _transfer(tokenIn, pool, amountIn);
        // What the pair actually received, so fee-on-transfer tokens are swapped, not failed.
        uint256 received = IERC20Min(tokenIn).balanceOf(pool) - reserveIn;
        uint256 withFee = received * 997;
        uint256 amountOut = (withFee * reserveOut) / (reserveIn * 1000 + withFee);
        IV2PairMin(pool).swap(zeroIn ? 0 : amountOut, zeroIn ? amountOut : 0, address(this), "");
    }

    function uniswapV3SwapCallback(int256 amount0Delta, int256 amount1Delta, bytes calldata data) external {
        address tokenIn = abi.decode(data, (address));
        _transfer(tokenIn, msg.sender, uint256(amount0Delta > 0 ? amount0Delta : amount1Delta));
    }

    /// transfer() for tokens with and without a bool return; a revert keeps the token's reason.
    function _transfer(address token, address to, uint256 amount) private {
        (bool ok, bytes memory ret) = token.call(abi.encodeWithSelector(0xa9059cbb, to, amount));
        if (!ok) {
            assembly {
                revert(add(ret, 32), mload(ret))
            }
        }
        require(ret.length == 0 || abi.decode(ret, (bool)), "transfer returned false");
    }
}
`;
