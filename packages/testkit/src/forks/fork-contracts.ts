import PancakeV3FactoryJson from '@pancakeswap/v3-core/artifacts/contracts/PancakeV3Factory.sol/PancakeV3Factory.json';
import PancakeV3PoolJson from '@pancakeswap/v3-core/artifacts/contracts/PancakeV3Pool.sol/PancakeV3Pool.json';
import type { Abi, Hex } from 'viem';
import type { Artifact } from '../artifacts';
import { compileSolidity, type CompiledContract } from '../solc';

/** PancakeSwap V3 core as published on npm (Hardhat artifacts): the factory and the pool. */
export const PANCAKESWAP_V3 = {
  /** constructor(poolDeployer) */
  factory: { abi: PancakeV3FactoryJson.abi as Abi, bytecode: PancakeV3FactoryJson.bytecode as Hex } satisfies Artifact,
  pool: { abi: PancakeV3PoolJson.abi as Abi, bytecode: PancakeV3PoolJson.bytecode as Hex } satisfies Artifact,
};

/**
 * The fork scenario's own contracts, compiled with solc-js (cached). Their creation code decides
 * the CREATE2 addresses @oca/chain lists for the devnet's forks: editing a source moves them (the
 * scenario says so).
 *
 * - `DevnetPancakeV3PoolDeployer`: `@pancakeswap/v3-core` ships the factory's and the pool's
 *   artifacts but not the PancakeV3PoolDeployer's, and its 0.7.6 source (not in the package either)
 *   cannot be compiled by the workspace's solc 0.8.26. This stand-in has the same interface
 *   (`IPancakeV3PoolDeployer`: `parameters()` read by the pool's constructor, `deploy()` for the
 *   factory only) and deploys the published pool creation code with PancakeSwap's salt, so every
 *   pool is the real PancakeV3Pool bytecode.
 * - `FeeV2Factory` / `FeeV2Pair`: a Uniswap V2 fork whose pairs charge `feeBps` in PancakePair's
 *   arithmetic (balance·10000 − amountIn·fee, K against reserves·10000²): PancakeSwap V2 at 25.
 *   Published PancakeSwap V2 pair bytecode is not on npm (only V1's, 0.2 %, behind truffle
 *   dependencies), and Uniswap's pair hard-codes 0.3 %.
 * - `SolidlyStyleFactory` / `SolidlyStylePool`: Velodrome/Aerodrome V2's interface as the agents
 *   read it, checked against velodrome-finance/contracts `contracts/Pool.sol` and
 *   `factories/PoolFactory.sol`: `getPool(tokenA, tokenB, stable)`, `getFee(pool, stable)` (basis
 *   points), `PoolCreated(token0, token1, stable, pool, uint256)`; pools with `stable()`, uint256
 *   `getReserves()`, `getAmountOut(amountIn, tokenIn)`, and Velodrome's `Swap(sender, to, amount0In,
 *   amount1In, amount0Out, amount1Out)` and `Sync(uint256, uint256)`. Volatile pools are x·y = k,
 *   stable ones x³y + xy³ = k (Newton's method for the output); fees leave the pool. Written for
 *   the devnet (no Solidly bytecode is published on npm); not Velodrome's code.
 * - `PancakeV3Minter`: adds liquidity to a PancakeSwap V3 pool (its `pancakeV3MintCallback`).
 */
const SOURCES = {
  'FeeV2.sol': `// SPDX-License-Identifier: MIT
pragma solidity 0.8.26;
import "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import "@openzeppelin/contracts/utils/math/Math.sol";

/// A Uniswap V2 fork's factory whose pairs charge feeBps basis points per swap.
contract FeeV2Factory {
    uint16 public immutable feeBps;
    mapping(address => mapping(address => address)) public getPair;
    address[] public allPairs;

    event PairCreated(address indexed token0, address indexed token1, address pair, uint256);

    constructor(uint16 feeBps_) {
        feeBps = feeBps_;
    }

    function allPairsLength() external view returns (uint256) {
        return allPairs.length;
    }

    function createPair(address tokenA, address tokenB) external returns (address pair) {
        require(tokenA != tokenB, "FeeV2: IDENTICAL_ADDRESSES");
        (address token0, address token1) = tokenA < tokenB ? (tokenA, tokenB) : (tokenB, tokenA);
        require(getPair[token0][token1] == address(0), "FeeV2: PAIR_EXISTS");
        pair = address(new FeeV2Pair{salt: keccak256(abi.encodePacked(token0, token1))}(token0, token1, feeBps));
        getPair[token0][token1] = pair;
        getPair[token1][token0] = pair;
        allPairs.push(pair);
        emit PairCreated(token0, token1, pair, allPairs.length);
    }
}

/// Uniswap V2's pair (mint, swap, sync; LP as an ERC-20) with the fee as a parameter.
contract FeeV2Pair is ERC20 {
    uint256 public constant MINIMUM_LIQUIDITY = 1000;
    address public immutable factory;
    address public immutable token0;
    address public immutable token1;
    uint256 public immutable feeBps;
    uint112 private reserve0;
    uint112 private reserve1;
    uint32 private blockTimestampLast;
    uint256 private unlocked = 1;

    event Mint(address indexed sender, uint256 amount0, uint256 amount1);
    event Swap(address indexed sender, uint256 amount0In, uint256 amount1In, uint256 amount0Out, uint256 amount1Out, address indexed to);
    event Sync(uint112 reserve0, uint112 reserve1);

    modifier lock() {
        require(unlocked == 1, "FeeV2: LOCKED");
        unlocked = 0;
        _;
        unlocked = 1;
    }

    constructor(address token0_, address token1_, uint256 feeBps_) ERC20("Fee V2 LP", "FEE-V2") {
        factory = msg.sender;
        token0 = token0_;
        token1 = token1_;
        feeBps = feeBps_;
    }

    function getReserves() public view returns (uint112, uint112, uint32) {
        return (reserve0, reserve1, blockTimestampLast);
    }

    function mint(address to) external lock returns (uint256 liquidity) {
        uint256 balance0 = IERC20(token0).balanceOf(address(this));
        uint256 balance1 = IERC20(token1).balanceOf(address(this));
        uint256 amount0 = balance0 - reserve0;
        uint256 amount1 = balance1 - reserve1;
        uint256 supply = totalSupply();
        if (supply == 0) {
            liquidity = Math.sqrt(amount0 * amount1) - MINIMUM_LIQUIDITY;
            // Uniswap locks the minimum at address(0); OpenZeppelin's ERC-20 refuses that address.
            _mint(address(0xdead), MINIMUM_LIQUIDITY);
        } else {
            liquidity = Math.min((amount0 * supply) / reserve0, (amount1 * supply) / reserve1);
        }
        require(liquidity > 0, "FeeV2: INSUFFICIENT_LIQUIDITY_MINTED");
        _mint(to, liquidity);
        _update(balance0, balance1);
        emit Mint(msg.sender, amount0, amount1);
    }

    function swap(uint256 amount0Out, uint256 amount1Out, address to, bytes calldata) external lock {
        require(amount0Out > 0 || amount1Out > 0, "FeeV2: INSUFFICIENT_OUTPUT_AMOUNT");
        (uint112 r0, uint112 r1, ) = getReserves();
        require(amount0Out < r0 && amount1Out < r1, "FeeV2: INSUFFICIENT_LIQUIDITY");
        if (amount0Out > 0) _safeTransfer(token0, to, amount0Out);
        if (amount1Out > 0) _safeTransfer(token1, to, amount1Out);
        (uint256 amount0In, uint256 amount1In) = _settle(r0, r1, amount0Out, amount1Out);
        emit Swap(msg.sender, amount0In, amount1In, amount0Out, amount1Out, to);
    }

    /// K on the balances after the transfers out, with the fee taken from what came in; then the reserves.
    function _settle(uint112 r0, uint112 r1, uint256 amount0Out, uint256 amount1Out) private returns (uint256 amount0In, uint256 amount1In) {
        uint256 balance0 = IERC20(token0).balanceOf(address(this));
        uint256 balance1 = IERC20(token1).balanceOf(address(this));
        amount0In = balance0 > r0 - amount0Out ? balance0 - (r0 - amount0Out) : 0;
        amount1In = balance1 > r1 - amount1Out ? balance1 - (r1 - amount1Out) : 0;
        require(amount0In > 0 || amount1In > 0, "FeeV2: INSUFFICIENT_INPUT_AMOUNT");
        uint256 adjusted0 = balance0 * 10000 - amount0In * feeBps;
        uint256 adjusted1 = balance1 * 10000 - amount1In * feeBps;
        require(adjusted0 * adjusted1 >= uint256(r0) * r1 * 10000 ** 2, "FeeV2: K");
        _update(balance0, balance1);
    }

    function sync() external lock {
        _update(IERC20(token0).balanceOf(address(this)), IERC20(token1).balanceOf(address(this)));
    }

    function _update(uint256 balance0, uint256 balance1) private {
        require(balance0 <= type(uint112).max && balance1 <= type(uint112).max, "FeeV2: OVERFLOW");
        reserve0 = uint112(balance0);
        reserve1 = uint112(balance1);
        blockTimestampLast = uint32(block.timestamp);
        emit Sync(reserve0, reserve1);
    }

    function _safeTransfer(address token, address to, uint256 value) private {
        (bool success, bytes memory data) = token.call(abi.encodeWithSelector(IERC20.transfer.selector, to, value));
        require(success && (data.length == 0 || abi.decode(data, (bool))), "FeeV2: TRANSFER_FAILED");
    }
}
`,
  'SolidlyStyle.sol': `// SPDX-License-Identifier: MIT
pragma solidity 0.8.26;
import "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import "@openzeppelin/contracts/token/ERC20/extensions/IERC20Metadata.sol";
import "@openzeppelin/contracts/utils/math/Math.sol";

/// A Solidly (Velodrome/Aerodrome V2) PoolFactory's interface: pools are found by
/// getPool(tokenA, tokenB, stable) (no two-argument getPair), announced by PoolCreated with the
/// stable flag indexed, and charge the fee getFee(pool, stable) returns, in basis points.
contract SolidlyStyleFactory {
    uint256 public immutable volatileFee;
    uint256 public immutable stableFee;
    mapping(address => mapping(address => mapping(bool => address))) public getPool;
    mapping(address => bool) public isPool;
    address[] public allPools;

    event PoolCreated(address indexed token0, address indexed token1, bool indexed stable, address pool, uint256);

    constructor(uint256 volatileFee_, uint256 stableFee_) {
        volatileFee = volatileFee_;
        stableFee = stableFee_;
    }

    function allPoolsLength() external view returns (uint256) {
        return allPools.length;
    }

    function getFee(address, bool stable) external view returns (uint256) {
        return stable ? stableFee : volatileFee;
    }

    function createPool(address tokenA, address tokenB, bool stable) external returns (address pool) {
        require(tokenA != tokenB, "SameAddress");
        (address token0, address token1) = tokenA < tokenB ? (tokenA, tokenB) : (tokenB, tokenA);
        require(token0 != address(0), "ZeroAddress");
        require(getPool[token0][token1][stable] == address(0), "PoolAlreadyExists");
        pool = address(new SolidlyStylePool{salt: keccak256(abi.encodePacked(token0, token1, stable))}(token0, token1, stable));
        getPool[token0][token1][stable] = pool;
        getPool[token1][token0][stable] = pool;
        isPool[pool] = true;
        allPools.push(pool);
        emit PoolCreated(token0, token1, stable, pool, allPools.length);
    }
}

interface ISolidlyStyleFees {
    function getFee(address pool, bool stable) external view returns (uint256);
}

/// A Velodrome/Aerodrome V2 pool's interface and arithmetic, volatile (x·y = k) or stable
/// (x³y + xy³ = k on amounts scaled to 18 decimals): uint256 reserves, getAmountOut(amountIn,
/// tokenIn) at the factory's fee, and Velodrome's Swap and Sync events (their topics differ from
/// Uniswap V2's). Swap fees leave the pool (Velodrome's PoolFees holds them; here the factory),
/// so reserves never include fees. Left out: the flash-swap hook, fee claims, price observations.
contract SolidlyStylePool is ERC20 {
    uint256 private constant MINIMUM_LIQUIDITY = 1000;
    address public immutable factory;
    address public immutable token0;
    address public immutable token1;
    bool public immutable stable;
    /// 10 ** decimals of each token: the stable curve works on whole-token amounts.
    uint256 private immutable unit0;
    uint256 private immutable unit1;
    uint256 public reserve0;
    uint256 public reserve1;
    uint256 public blockTimestampLast;
    uint256 private unlocked = 1;

    event Fees(address indexed sender, uint256 amount0, uint256 amount1);
    event Mint(address indexed sender, uint256 amount0, uint256 amount1);
    event Swap(address indexed sender, address indexed to, uint256 amount0In, uint256 amount1In, uint256 amount0Out, uint256 amount1Out);
    event Sync(uint256 reserve0, uint256 reserve1);

    modifier lock() {
        require(unlocked == 1, "Reentrancy");
        unlocked = 0;
        _;
        unlocked = 1;
    }

    constructor(address token0_, address token1_, bool stable_) ERC20(stable_ ? "StableV2 AMM" : "VolatileV2 AMM", stable_ ? "sAMMV2" : "vAMMV2") {
        factory = msg.sender;
        token0 = token0_;
        token1 = token1_;
        stable = stable_;
        unit0 = 10 ** IERC20Metadata(token0_).decimals();
        unit1 = 10 ** IERC20Metadata(token1_).decimals();
    }

    function getReserves() public view returns (uint256, uint256, uint256) {
        return (reserve0, reserve1, blockTimestampLast);
    }

    function tokens() external view returns (address, address) {
        return (token0, token1);
    }

    function mint(address to) external lock returns (uint256 liquidity) {
        uint256 balance0 = IERC20(token0).balanceOf(address(this));
        uint256 balance1 = IERC20(token1).balanceOf(address(this));
        uint256 amount0 = balance0 - reserve0;
        uint256 amount1 = balance1 - reserve1;
        uint256 supply = totalSupply();
        if (supply == 0) {
            liquidity = Math.sqrt(amount0 * amount1) - MINIMUM_LIQUIDITY;
            // Locked for good, as Velodrome does (OpenZeppelin's ERC-20 refuses address(0)).
            _mint(address(1), MINIMUM_LIQUIDITY);
        } else {
            liquidity = Math.min((amount0 * supply) / reserve0, (amount1 * supply) / reserve1);
        }
        require(liquidity > 0, "InsufficientLiquidityMinted");
        _mint(to, liquidity);
        _update(balance0, balance1);
        emit Mint(msg.sender, amount0, amount1);
    }

    function swap(uint256 amount0Out, uint256 amount1Out, address to, bytes calldata) external lock {
        require(amount0Out > 0 || amount1Out > 0, "InsufficientOutputAmount");
        (uint256 r0, uint256 r1) = (reserve0, reserve1);
        require(amount0Out < r0 && amount1Out < r1, "InsufficientLiquidity");
        require(to != token0 && to != token1, "InvalidTo");
        if (amount0Out > 0) _send(token0, to, amount0Out);
        if (amount1Out > 0) _send(token1, to, amount1Out);
        uint256 amount0In = _received(token0, r0 - amount0Out);
        uint256 amount1In = _received(token1, r1 - amount1Out);
        require(amount0In > 0 || amount1In > 0, "InsufficientInputAmount");
        _takeFees(amount0In, amount1In);
        uint256 balance0 = IERC20(token0).balanceOf(address(this));
        uint256 balance1 = IERC20(token1).balanceOf(address(this));
        require(_k(balance0, balance1) >= _k(r0, r1), "K");
        _update(balance0, balance1);
        emit Swap(msg.sender, to, amount0In, amount1In, amount0Out, amount1Out);
    }

    function sync() external lock {
        _update(IERC20(token0).balanceOf(address(this)), IERC20(token1).balanceOf(address(this)));
    }

    /// What the pool pays for amountIn of tokenIn: the fee taken from the input, the rest on the curve.
    function getAmountOut(uint256 amountIn, address tokenIn) external view returns (uint256) {
        uint256 net = amountIn - (amountIn * _fee()) / 10000;
        bool zeroIn = tokenIn == token0;
        (uint256 reserveIn, uint256 reserveOut) = zeroIn ? (reserve0, reserve1) : (reserve1, reserve0);
        if (!stable) return (net * reserveOut) / (reserveIn + net);
        (uint256 unitIn, uint256 unitOut) = zeroIn ? (unit0, unit1) : (unit1, unit0);
        uint256 x = ((reserveIn + net) * 1e18) / unitIn;
        uint256 y = (reserveOut * 1e18) / unitOut;
        uint256 yAfter = _curveY(x, _k(reserve0, reserve1), y);
        return ((y - yAfter) * unitOut) / 1e18;
    }

    function _fee() private view returns (uint256) {
        return ISolidlyStyleFees(factory).getFee(address(this), stable);
    }

    function _received(address token, uint256 left) private view returns (uint256) {
        uint256 balance = IERC20(token).balanceOf(address(this));
        return balance > left ? balance - left : 0;
    }

    function _takeFees(uint256 amount0In, uint256 amount1In) private {
        uint256 fee = _fee();
        uint256 fee0 = (amount0In * fee) / 10000;
        uint256 fee1 = (amount1In * fee) / 10000;
        if (fee0 > 0) _send(token0, factory, fee0);
        if (fee1 > 0) _send(token1, factory, fee1);
        if (fee0 > 0 || fee1 > 0) emit Fees(msg.sender, fee0, fee1);
    }

    /// The invariant: x·y for a volatile pool; x³y + xy³ on 18-decimal amounts for a stable one.
    function _k(uint256 x, uint256 y) private view returns (uint256) {
        if (!stable) return x * y;
        return _stableK((x * 1e18) / unit0, (y * 1e18) / unit1);
    }

    /// x·y·(x² + y²) on 18-decimal fixed point.
    function _stableK(uint256 x, uint256 y) private pure returns (uint256) {
        return (((x * y) / 1e18) * ((x * x) / 1e18 + (y * y) / 1e18)) / 1e18;
    }

    /// ∂k/∂y at (x, y): x³ + 3xy², 18-decimal fixed point.
    function _stableDkDy(uint256 x, uint256 y) private pure returns (uint256) {
        return (((x * x) / 1e18) * x) / 1e18 + (3 * x * ((y * y) / 1e18)) / 1e18;
    }

    /// The y with k(x, y) = k, by Newton's method from y0, rounded so that k(x, y) >= k: the
    /// pool never pays out more than its curve allows.
    function _curveY(uint256 x, uint256 k, uint256 y) private pure returns (uint256) {
        for (uint256 i = 0; i < 255; i++) {
            uint256 current = _stableK(x, y);
            if (current == k) return y;
            uint256 slope = _stableDkDy(x, y);
            if (current > k) {
                uint256 down = ((current - k) * 1e18) / slope;
                if (down == 0) return y;
                y -= down;
            } else {
                uint256 up = ((k - current) * 1e18) / slope;
                y += up == 0 ? 1 : up;
            }
        }
        revert("NoConvergence");
    }

    function _update(uint256 balance0, uint256 balance1) private {
        reserve0 = balance0;
        reserve1 = balance1;
        blockTimestampLast = block.timestamp;
        emit Sync(balance0, balance1);
    }

    function _send(address token, address to, uint256 value) private {
        (bool success, bytes memory data) = token.call(abi.encodeWithSelector(IERC20.transfer.selector, to, value));
        require(success && (data.length == 0 || abi.decode(data, (bool))), "TransferFailed");
    }
}
`,
  'DevnetPancakeV3PoolDeployer.sol': `// SPDX-License-Identifier: MIT
pragma solidity 0.8.26;

/// IPancakeV3PoolDeployer for the devnet: deploys the published PancakeV3Pool creation code, read
/// from poolCode (a data contract whose runtime code is 0x00 followed by the creation code: too
/// large for an immutable), with PancakeSwap's salt keccak256(abi.encode(token0, token1, fee)).
contract DevnetPancakeV3PoolDeployer {
    struct Parameters {
        address factory;
        address token0;
        address token1;
        uint24 fee;
        int24 tickSpacing;
    }

    /// Read by the pool's constructor, set only while deploy() runs.
    Parameters public parameters;
    address public factoryAddress;
    address public immutable poolCode;

    event SetFactoryAddress(address indexed factory);

    constructor(address poolCode_) {
        poolCode = poolCode_;
    }

    /// Once, by anyone: the factory's address follows from this contract's (its constructor argument).
    function setFactoryAddress(address factory_) external {
        require(factoryAddress == address(0), "already initialized");
        factoryAddress = factory_;
        emit SetFactoryAddress(factory_);
    }

    function deploy(address factory, address token0, address token1, uint24 fee, int24 tickSpacing) external returns (address pool) {
        require(msg.sender == factoryAddress, "only factory can call deploy");
        parameters = Parameters({factory: factory, token0: token0, token1: token1, fee: fee, tickSpacing: tickSpacing});
        bytes memory code = poolCode.code;
        bytes32 salt = keccak256(abi.encode(token0, token1, fee));
        assembly {
            pool := create2(0, add(code, 33), sub(mload(code), 1), salt)
        }
        require(pool != address(0), "pool creation failed");
        delete parameters;
    }
}
`,
  'PancakeV3Minter.sol': `// SPDX-License-Identifier: MIT
pragma solidity 0.8.26;

interface IPancakeV3PoolLike {
    function token0() external view returns (address);
    function token1() external view returns (address);
    function mint(address recipient, int24 tickLower, int24 tickUpper, uint128 amount, bytes calldata data)
        external returns (uint256, uint256);
}

interface IERC20Pull {
    function transferFrom(address from, address to, uint256 amount) external returns (bool);
}

/// Test-only: adds PancakeSwap V3 liquidity owned by the caller, paid from its approved balances.
/// The callback trusts any caller, so it must never hold approvals on a real chain.
contract PancakeV3Minter {
    function mint(address pool, int24 tickLower, int24 tickUpper, uint128 liquidity) external returns (uint256, uint256) {
        return IPancakeV3PoolLike(pool).mint(msg.sender, tickLower, tickUpper, liquidity, abi.encode(msg.sender));
    }

    function pancakeV3MintCallback(uint256 amount0Owed, uint256 amount1Owed, bytes calldata data) external {
        address payer = abi.decode(data, (address));
        if (amount0Owed > 0) require(IERC20Pull(IPancakeV3PoolLike(msg.sender).token0()).transferFrom(payer, msg.sender, amount0Owed), "pay failed");
        if (amount1Owed > 0) require(IERC20Pull(IPancakeV3PoolLike(msg.sender).token1()).transferFrom(payer, msg.sender, amount1Owed), "pay failed");
    }
}
`,
};

export interface ForkContracts {
  feeV2Factory: CompiledContract;
  feeV2Pair: CompiledContract;
  pancakeV3PoolDeployer: CompiledContract;
  pancakeV3Minter: CompiledContract;
  solidlyFactory: CompiledContract;
  solidlyPool: CompiledContract;
}

export function compileForkContracts(): ForkContracts {
  const out = compileSolidity({ sources: SOURCES });
  const pick = (name: string): CompiledContract => {
    const contract = out[name];
    if (!contract) throw new Error(`solc output has no ${name}`);
    return contract;
  };
  return {
    feeV2Factory: pick('FeeV2Factory'),
    feeV2Pair: pick('FeeV2Pair'),
    pancakeV3PoolDeployer: pick('DevnetPancakeV3PoolDeployer'),
    pancakeV3Minter: pick('PancakeV3Minter'),
    solidlyFactory: pick('SolidlyStyleFactory'),
    solidlyPool: pick('SolidlyStylePool'),
  };
}
