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

/// A Solidly (Velodrome/Aerodrome V2) pool: it quotes its own output, fee and curve included.
interface ISolidlyPoolMin {
    function token0() external view returns (address);
    function getAmountOut(uint256 amountIn, address tokenIn) external view returns (uint256);
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
/// Each step also reports what the pool promised for the whole amount (V2: getAmountOut on the
/// reserves at 0.3 %; V3: what the pool sent; Solidly: the pool's own getAmountOut), so a tax
/// shows as received below promised. kind: 0 V2, 1 V3 (Uniswap or PancakeSwap), 2 Solidly.
contract SwapProbe {
    uint8 internal constant V3 = 1;
    uint8 internal constant SOLIDLY = 2;

    uint160 internal constant MIN_SQRT_RATIO_PLUS_ONE = 4295128740;
    uint160 internal constant MAX_SQRT_RATIO_MINUS_ONE = 1461446703485210103287273052203988822378723970341;

    struct Outcome {
        bool bought;
        bool sold;
        uint256 baseReceived;
        uint256 quoteReturned;
        uint256 baseExpected;
        uint256 quoteExpected;
        bytes reason;
    }

    function probe(address pool, uint8 kind, address base, address quote, uint256 quoteIn) external returns (Outcome memory o) {
        uint256 baseBefore = IERC20Min(base).balanceOf(address(this));
        try this.swapStep(pool, kind, quote, quoteIn) returns (uint256 promised) {
            o.baseExpected = promised;
        } catch (bytes memory err) {
            o.reason = err;
            return o;
        }
        o.baseReceived = IERC20Min(base).balanceOf(address(this)) - baseBefore;
        o.bought = true;
        if (o.baseReceived == 0) {
            o.reason = bytes("buy delivered no tokens");
            return o;
        }
        uint256 quoteBefore = IERC20Min(quote).balanceOf(address(this));
        try this.swapStep(pool, kind, base, o.baseReceived) returns (uint256 promised) {
            o.quoteExpected = promised;
        } catch (bytes memory err) {
            o.reason = err;
            return o;
        }
        o.quoteReturned = IERC20Min(quote).balanceOf(address(this)) - quoteBefore;
        o.sold = true;
    }

    /// One exact-input swap into this contract. External so that probe() can catch its revert.
    /// Returns what the pool promised for the whole amountIn.
    function swapStep(address pool, uint8 kind, address tokenIn, uint256 amountIn) external returns (uint256 promised) {
        require(msg.sender == address(this), "self only");
        if (kind == SOLIDLY) return _solidlyStep(pool, tokenIn, amountIn);
        if (kind == V3) {
            bool zeroForOne = IV3PoolMin(pool).token0() == tokenIn;
            (int256 d0, int256 d1) = IV3PoolMin(pool).swap(
                address(this), zeroForOne, int256(amountIn), zeroForOne ? MIN_SQRT_RATIO_PLUS_ONE : MAX_SQRT_RATIO_MINUS_ONE, abi.encode(tokenIn)
            );
            return uint256(-(zeroForOne ? d1 : d0));
        }
        (uint112 r0, uint112 r1, ) = IV2PairMin(pool).getReserves();
        bool zeroIn = IV2PairMin(pool).token0() == tokenIn;
        (uint256 reserveIn, uint256 reserveOut) = zeroIn ? (uint256(r0), uint256(r1)) : (uint256(r1), uint256(r0));
        promised = _amountOut(amountIn, reserveIn, reserveOut);
        _transfer(tokenIn, pool, amountIn);
        // What the pair actually received, so fee-on-transfer tokens are swapped, not failed.
        uint256 amountOut = _amountOut(IERC20Min(tokenIn).balanceOf(pool) - reserveIn, reserveIn, reserveOut);
        IV2PairMin(pool).swap(zeroIn ? 0 : amountOut, zeroIn ? amountOut : 0, address(this), "");
    }

    /// As Velodrome's router swaps: the input sent first, then the pool's own quote for what it
    /// actually received (fee-on-transfer tokens deliver less) asked of swap().
    function _solidlyStep(address pool, address tokenIn, uint256 amountIn) private returns (uint256 promised) {
        promised = ISolidlyPoolMin(pool).getAmountOut(amountIn, tokenIn);
        bool zeroIn = ISolidlyPoolMin(pool).token0() == tokenIn;
        uint256 before = IERC20Min(tokenIn).balanceOf(pool);
        _transfer(tokenIn, pool, amountIn);
        uint256 amountOut = ISolidlyPoolMin(pool).getAmountOut(IERC20Min(tokenIn).balanceOf(pool) - before, tokenIn);
        ISolidlyPoolMin(pool).swap(zeroIn ? 0 : amountOut, zeroIn ? amountOut : 0, address(this), "");
    }

    function uniswapV3SwapCallback(int256 amount0Delta, int256 amount1Delta, bytes calldata data) public {
        address tokenIn = abi.decode(data, (address));
        _transfer(tokenIn, msg.sender, uint256(amount0Delta > 0 ? amount0Delta : amount1Delta));
    }

    /// PancakeSwap V3 pools call this name; the payment is the same.
    function pancakeV3SwapCallback(int256 amount0Delta, int256 amount1Delta, bytes calldata data) external {
        uniswapV3SwapCallback(amount0Delta, amount1Delta, data);
    }

    /// Uniswap V2's getAmountOut at its 0.3 % fee; forks charging less accept it too.
    function _amountOut(uint256 amountIn, uint256 reserveIn, uint256 reserveOut) private pure returns (uint256) {
        uint256 withFee = amountIn * 997;
        return (withFee * reserveOut) / (reserveIn * 1000 + withFee);
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
