// SPDX-License-Identifier: MIT
// The security agent's on-chain helper. It is never deployed: the agent places its runtime code at
// an unused address with an eth_call state override (and funds it with a balance override), so
// it works on any node that implements eth_call's state-override parameter (geth, erigon, reth,
// nethermind, anvil). Every external call it makes is guarded, so one hostile token cannot make
// the whole read fail. The runtime bytecode is committed in security-probe.generated.ts; a test
// recompiles this file and fails if the two differ.
pragma solidity 0.8.26;

contract SecurityProbe {
    /// A Uniswap V2 pair or V3 pool holding the token, verified with its own factory's getPair /
    /// getPool(token0, token1, fee), or a Solidly pool (Velodrome/Aerodrome V2: version 2,
    /// `solidly`), verified with getPool(token0, token1, stable).
    struct Pool {
        address pair;
        address factory;
        address token0;
        address token1;
        uint256 reserve0; // V2 reserves; V3: the pool's token balances
        uint256 reserve1;
        uint256 lpSupply; // V2 LP totalSupply; 0 for V3 (positions are NFTs or raw pool positions)
        uint8 version; // 2 or 3
        uint24 fee; // V3 fee tier, hundredths of a basis point; 0 for V2
        uint160 sqrtPriceX96; // V3 slot0
        uint128 liquidity; // V3 in-range liquidity
        bool solidly; // a Solidly pool: it quotes its own output (getAmountOut(amountIn, tokenIn))
        bool stable; // a Solidly stable pool (x³y + xy³ = k)
    }

    /// One buy, wallet transfer and sell through `pair`, or wrap/unwrap when `route` is 2.
    struct Simulation {
        uint8 route; // 0 no usable pool, 1 V2 pair, 2 the token is itself the wrapped native coin, 3 V3 pool
        address pair; // the V2 pair or V3 pool traded through
        uint16 feeBps; // the V2 pair's swap fee the amounts were computed with (POOL_QUOTES: the pool's own quote); 0 for V3 and wrap
        // Per pool given, in order: 0 not reached, 1 passed over (no wrapped-native side or too
        // shallow), 2 its buy reverted (the pool could not run it; reason in buyErrors[i]), 3 traded.
        uint8[] attempts;
        bytes[] buyErrors;
        address quote;
        uint256 amountIn; // quote units spent on the buy
        bool buyOk;
        uint256 buyExpected; // tokens the reserves promise for amountIn
        uint256 buyReceived; // tokens that arrived
        uint256 buyGas;
        bytes buyError;
        bool transferOk;
        uint256 transferSent; // debited from the sender
        uint256 transferReceived; // credited to the receiver
        bytes transferError;
        bool sellOk; // some amount could be sold
        bool soldAll; // the whole balance could be sold at once
        uint256 sellAmount; // tokens debited by the successful sell
        uint256 sellExpected; // quote the reserves promise for sellAmount
        uint256 sellReceived; // quote that arrived
        uint256 sellGas;
        bytes sellError;
    }

    /// A Uniswap V3 position-manager NFT as the manager and its owner report it.
    struct Position {
        bool exists; // positions(tokenId) answered
        address owner; // ownerOf(tokenId); 0 when it does not answer (a burned NFT)
        uint256 ownerCodeSize;
        address token0;
        address token1;
        uint24 fee;
        int24 tickLower;
        int24 tickUpper;
        uint128 liquidity;
        bool locked; // the owner is one of `lockers` and answers isNftLocked(manager, tokenId) with true
    }

    /// One sell attempt's outcome.
    struct Sale {
        uint256 sold; // tokens debited from the seller
        uint256 expected; // quote the pool promises for the tokens debited by the swap
        uint256 received; // quote that arrived
        uint256 gasUsed;
    }

    /// Gas for each read of someone else's contract: plenty for a view, too little to grief.
    uint256 private constant READ_GAS = 100_000;
    /// The receiver of the wallet-transfer test: an address nobody controls.
    address private constant PEER = address(uint160(uint256(keccak256("oca.security-probe.peer"))));
    /// Uniswap V3's TickMath bounds, one step inside: "no price limit" for an exact-input swap.
    uint160 private constant MIN_SQRT_RATIO_PLUS_ONE = 4295128740;
    uint160 private constant MAX_SQRT_RATIO_MINUS_ONE = 1461446703485210103287273052203988822378723970341;
    /// The V2 fee that stands for "the pool quotes its own output": a Solidly pool's getAmountOut
    /// (amountIn, tokenIn) carries its fee and, for a stable pool, its curve.
    uint16 private constant POOL_QUOTES = type(uint16).max;
    /// Top-up rounds when paying a V3 pool in a fee-on-transfer token.
    uint256 private constant PAY_ROUNDS = 4;

    /// The V3 pool a swap is in flight with: the only caller the swap callback pays.
    address private _swapPool;
    /// The swap fee (basis points) of the V2 pair being traded, set for each simulated pool and
    /// each sellStep and limits search: forks differ (PancakeSwap V2 takes 25), and asking a pair
    /// for more than its own fee allows reverts on its K check. 0 reads as Uniswap V2's 30.
    uint16 private _feeBps;
    /// Set while a limits sale swaps on a V3 pool: the callback's first transfer sends this many
    /// tokens (the sale's whole amount, in one transfer, as a V2 sale sends it) instead of what
    /// the pool asks.
    uint256 private _payFirst;

    receive() external payable {}

    // ---------------------------------------------------------------- reads

    /// Balances and code sizes of `accounts`, and every V2 pair or V3 pool of `token` among them
    /// (a pool holds the token it trades). A failing balanceOf reads as 0.
    function inspect(address token, address[] calldata accounts)
        external
        view
        returns (uint256[] memory balances, uint256[] memory codeSizes, Pool[] memory pools)
    {
        balances = new uint256[](accounts.length);
        codeSizes = new uint256[](accounts.length);
        Pool[] memory found = new Pool[](accounts.length);
        uint256 n;
        for (uint256 i; i < accounts.length; ++i) {
            balances[i] = _balanceOf(token, accounts[i]);
            codeSizes[i] = accounts[i].code.length;
            if (balances[i] > 0 && codeSizes[i] > 0) n = _addPool(found, n, token, accounts[i]);
        }
        pools = new Pool[](n);
        for (uint256 i; i < n; ++i) pools[i] = found[i];
    }

    /// Position-manager NFTs `tokenIds` of `manager`: the position, its owner (with code size) and,
    /// when the owner is one of `lockers`, whether it still locks the NFT at this block.
    function positions(address manager, uint256[] calldata tokenIds, address[] calldata lockers) external view returns (Position[] memory out) {
        out = new Position[](tokenIds.length);
        for (uint256 i; i < tokenIds.length; ++i) {
            Position memory p = out[i];
            (bool ok, bytes memory ret) = manager.staticcall{gas: READ_GAS}(abi.encodeWithSignature("positions(uint256)", tokenIds[i]));
            if (ok && ret.length >= 384) {
                p.exists = true;
                (, , p.token0, p.token1, p.fee, p.tickLower, p.tickUpper, p.liquidity) = abi.decode(ret, (uint96, address, address, address, uint24, int24, int24, uint128));
            }
            (, p.owner) = _readAddress(manager, abi.encodeWithSignature("ownerOf(uint256)", tokenIds[i]));
            p.ownerCodeSize = p.owner.code.length;
            for (uint256 j; j < lockers.length; ++j) {
                if (p.owner == lockers[j]) p.locked = _readUint(lockers[j], abi.encodeWithSignature("isNftLocked(address,uint256)", manager, tokenIds[i])) != 0;
            }
        }
    }

    function _addPool(Pool[] memory found, uint256 n, address token, address candidate) private view returns (uint256) {
        for (uint256 i; i < n; ++i) if (found[i].pair == candidate) return n;
        (bool ok, Pool memory pool) = _pool(token, candidate);
        if (!ok) return n;
        found[n] = pool;
        return n + 1;
    }

    /// `candidate` as a V2 pair or V3 pool of `token`, trusted only if its factory maps it back:
    /// getPair(token0, token1) for V2, getPool(token0, token1, fee) for V3.
    function _pool(address token, address candidate) private view returns (bool, Pool memory p) {
        if (candidate.code.length == 0) return (false, p);
        bool ok0;
        bool ok1;
        (ok0, p.token0) = _readAddress(candidate, abi.encodeWithSignature("token0()"));
        (ok1, p.token1) = _readAddress(candidate, abi.encodeWithSignature("token1()"));
        if (!ok0 || !ok1 || (p.token0 != token && p.token1 != token)) return (false, p);
        (ok0, p.factory) = _readAddress(candidate, abi.encodeWithSignature("factory()"));
        if (!ok0 || p.factory.code.length == 0) return (false, p);
        p.pair = candidate;
        (bool okPair, address listed) = _readAddress(p.factory, abi.encodeWithSignature("getPair(address,address)", p.token0, p.token1));
        if (okPair && listed == candidate) return _v2Figures(p);
        (bool okStable, address stable) = _readAddress(candidate, abi.encodeWithSignature("stable()"));
        if (okStable && uint160(stable) <= 1) {
            p.stable = stable != address(0);
            (okPair, listed) = _readAddress(p.factory, abi.encodeWithSignature("getPool(address,address,bool)", p.token0, p.token1, p.stable));
            if (!okPair || listed != candidate) return (false, p);
            p.solidly = true;
            return _v2Figures(p);
        }
        (bool okFee, bytes memory feeData) = candidate.staticcall{gas: READ_GAS}(abi.encodeWithSignature("fee()"));
        if (!okFee || feeData.length < 32) return (false, p);
        uint256 fee = abi.decode(feeData, (uint256));
        if (fee >= 1 << 24) return (false, p);
        p.fee = uint24(fee);
        (okPair, listed) = _readAddress(p.factory, abi.encodeWithSignature("getPool(address,address,uint24)", p.token0, p.token1, p.fee));
        if (!okPair || listed != candidate) return (false, p);
        return _v3Figures(p);
    }

    function _v2Figures(Pool memory p) private view returns (bool, Pool memory) {
        (bool okReserves, bytes memory data) = p.pair.staticcall{gas: READ_GAS}(abi.encodeWithSignature("getReserves()"));
        if (!okReserves || data.length < 64) return (false, p);
        (p.reserve0, p.reserve1) = abi.decode(data, (uint256, uint256));
        p.lpSupply = _readUint(p.pair, abi.encodeWithSignature("totalSupply()"));
        p.version = 2;
        return (true, p);
    }

    function _v3Figures(Pool memory p) private view returns (bool, Pool memory) {
        (bool okSlot0, bytes memory data) = p.pair.staticcall{gas: READ_GAS}(abi.encodeWithSignature("slot0()"));
        if (!okSlot0 || data.length < 32) return (false, p);
        uint256 sqrtPrice = abi.decode(data, (uint256));
        if (sqrtPrice >= 1 << 160) return (false, p);
        p.sqrtPriceX96 = uint160(sqrtPrice);
        uint256 liquidity = _readUint(p.pair, abi.encodeWithSignature("liquidity()"));
        p.liquidity = liquidity >= 1 << 128 ? type(uint128).max : uint128(liquidity);
        p.reserve0 = _balanceOf(p.token0, p.pair);
        p.reserve1 = _balanceOf(p.token1, p.pair);
        p.version = 3;
        return (true, p);
    }

    // ---------------------------------------------------------------- simulation

    /// Buys `token` through the first of `pairs` (V2 pairs or V3 pools, `versions[i]` 2 or 3; a V2
    /// pair's fee `feesBps[i]`, 0 for 30, POOL_QUOTES for a Solidly pool's own quote) whose other
    /// side is a wrapped native coin (it accepts deposit() with value and credits exactly that),
    /// sends a tenth to a fresh address, then sells the rest back: all of it, or a tenth if all of it fails. A pool whose buy reverts (a fork
    /// whose fee or callback this probe does not match, or a token refusing that pool) is passed
    /// over for the next; once a buy went through, whatever fails after it is the token's and ends
    /// the simulation there: a token refusing sales is never retried elsewhere. When every buy
    /// reverts, the first failure is the answer. Without such a pool, a `token` that is itself a
    /// wrapped native coin is tested by wrap, transfer and unwrap.
    function simulate(address token, address[] calldata pairs, uint8[] calldata versions, uint16[] calldata feesBps) external returns (Simulation memory s) {
        uint8[] memory attempts = new uint8[](pairs.length);
        bytes[] memory buyErrors = new bytes[](pairs.length);
        for (uint256 i; i < pairs.length; ++i) {
            bool v3 = i < versions.length && versions[i] == 3;
            attempts[i] = 1;
            (bool tried, Simulation memory t) = _tryBuy(token, pairs[i], v3, v3 ? 0 : (i < feesBps.length && feesBps[i] != 0 ? feesBps[i] : 30));
            if (!tried) continue;
            if (!t.buyOk) {
                attempts[i] = 2;
                buyErrors[i] = t.buyError;
                if (s.route == 0) s = t;
                continue;
            }
            attempts[i] = 3;
            s = t;
            if (s.buyReceived > 0) {
                _walletTransfer(s, token, s.buyReceived / 10);
                _sell(s, token);
            }
            break;
        }
        s.attempts = attempts;
        s.buyErrors = buyErrors;
        if (s.route != 0) return s;
        if (_wrap(token, 1 ether)) {
            s.route = 2;
            s.quote = token;
            s.amountIn = 1 ether;
            s.buyOk = true;
            s.buyExpected = 1 ether;
            s.buyReceived = 1 ether;
            _walletTransfer(s, token, 0.1 ether);
            _sell(s, token);
        }
    }

    /// The buy through one pool, when its other side is a wrapped native coin deep enough to spend
    /// a thousandth of.
    function _tryBuy(address token, address pair, bool v3, uint16 feeBps) private returns (bool tried, Simulation memory t) {
        (bool ok, address quote, uint256 reserveQuote, ) = v3 ? _v3Sides(pair, token) : _sides(pair, token);
        if (!ok || reserveQuote < 1000 || !_wrap(quote, reserveQuote / 1000)) return (false, t);
        t.route = v3 ? 3 : 1;
        t.pair = pair;
        t.feeBps = feeBps;
        t.quote = quote;
        t.amountIn = reserveQuote / 1000;
        _feeBps = feeBps;
        if (v3) _buyV3(t, token);
        else _buy(t, token);
        return (true, t);
    }

    function _buy(Simulation memory s, address token) private {
        (, , uint256 reserveQuote, uint256 reserveToken) = _sides(s.pair, token);
        s.buyExpected = _pairOut(s.pair, s.quote, s.amountIn, reserveQuote, reserveToken);
        uint256 before = _balanceOf(token, address(this));
        if (!_transfer(s.quote, s.pair, s.amountIn)) {
            s.buyError = "quote transfer to the pair failed";
            return;
        }
        bool tokenIs0 = _readAddressOr0(s.pair, abi.encodeWithSignature("token0()")) == token;
        uint256 gasBefore = gasleft();
        (bool ok, bytes memory err) = s.pair.call(
            abi.encodeWithSignature("swap(uint256,uint256,address,bytes)", tokenIs0 ? s.buyExpected : 0, tokenIs0 ? 0 : s.buyExpected, address(this), "")
        );
        s.buyGas = gasBefore - gasleft();
        if (!ok) {
            s.buyError = err;
            return;
        }
        s.buyOk = true;
        s.buyReceived = _sub(_balanceOf(token, address(this)), before);
    }

    function _buyV3(Simulation memory s, address token) private {
        uint256 before = _balanceOf(token, address(this));
        bool quoteIs0 = _readAddressOr0(s.pair, abi.encodeWithSignature("token0()")) == s.quote;
        uint256 gasBefore = gasleft();
        (bool ok, bytes memory ret) = _swapV3(s.pair, quoteIs0, s.amountIn);
        s.buyGas = gasBefore - gasleft();
        if (!ok || ret.length < 64) {
            s.buyError = ret;
            return;
        }
        (int256 amount0, int256 amount1) = abi.decode(ret, (int256, int256));
        int256 tokenDelta = quoteIs0 ? amount1 : amount0;
        // The pool's own account of what it sent; a buy tax shows as less arriving.
        s.buyExpected = tokenDelta < 0 ? uint256(-tokenDelta) : 0;
        s.buyOk = true;
        s.buyReceived = _sub(_balanceOf(token, address(this)), before);
    }

    /// Exact-input swap of `amountIn` on a V3 pool without a price limit; the callback pays.
    function _swapV3(address pool, bool zeroForOne, uint256 amountIn) private returns (bool, bytes memory) {
        _swapPool = pool;
        (bool ok, bytes memory ret) = pool.call(
            abi.encodeWithSignature(
                "swap(address,bool,int256,uint160,bytes)",
                address(this),
                zeroForOne,
                int256(amountIn),
                zeroForOne ? MIN_SQRT_RATIO_PLUS_ONE : MAX_SQRT_RATIO_MINUS_ONE,
                ""
            )
        );
        _swapPool = address(0);
        return (ok, ret);
    }

    /// Pays what a V3 swap owes. A fee-on-transfer token delivers less than it debits, so the
    /// shortfall is topped up, grossed up by the ratio seen so far, for a few rounds; a token that
    /// refuses the transfer reverts the swap with its own reason.
    function uniswapV3SwapCallback(int256 amount0Delta, int256 amount1Delta, bytes calldata) external {
        _paySwap(amount0Delta, amount1Delta);
    }

    /// PancakeSwap V3 pools call the swapper by this name; everything else is as Uniswap's.
    function pancakeV3SwapCallback(int256 amount0Delta, int256 amount1Delta, bytes calldata) external {
        _paySwap(amount0Delta, amount1Delta);
    }

    function _paySwap(int256 amount0Delta, int256 amount1Delta) private {
        require(msg.sender == _swapPool && _swapPool != address(0), "unexpected callback");
        bool pay0 = amount0Delta > 0;
        address payToken = _readAddressOr0(msg.sender, abi.encodeWithSignature(pay0 ? "token0()" : "token1()"));
        uint256 owed = uint256(pay0 ? amount0Delta : amount1Delta);
        uint256 start = _balanceOf(payToken, msg.sender);
        uint256 sent;
        uint256 got;
        for (uint256 k; k < PAY_ROUNDS && got < owed; ++k) {
            if (k > 0 && got == 0) revert("pool credited nothing");
            uint256 need = owed - got;
            uint256 amount = k > 0 ? (need * sent + got - 1) / got : _payFirst != 0 ? _payFirst : need;
            uint256 available = _balanceOf(payToken, address(this));
            if (amount > available) amount = available;
            if (amount == 0) break;
            (bool ok, bytes memory ret) = payToken.call(abi.encodeWithSignature("transfer(address,uint256)", msg.sender, amount));
            _forward(ok, ret);
            sent += amount;
            got = _sub(_balanceOf(payToken, msg.sender), start);
        }
    }

    function _walletTransfer(Simulation memory s, address token, uint256 amount) private {
        uint256 selfBefore = _balanceOf(token, address(this));
        uint256 peerBefore = _balanceOf(token, PEER);
        (bool ok, bytes memory ret) = token.call(abi.encodeWithSignature("transfer(address,uint256)", PEER, amount));
        if (!ok || (ret.length >= 32 && abi.decode(ret, (uint256)) == 0)) {
            s.transferError = ret;
            return;
        }
        s.transferOk = true;
        s.transferSent = _sub(selfBefore, _balanceOf(token, address(this)));
        s.transferReceived = _sub(_balanceOf(token, PEER), peerBefore);
    }

    function _sell(Simulation memory s, address token) private {
        uint256 balance = _balanceOf(token, address(this));
        uint256[2] memory attempts = [balance, balance / 10];
        for (uint256 i; i < 2; ++i) {
            if (attempts[i] == 0) break;
            // A self-call, so a sell that fails half-way (tokens sent, swap reverted) is rolled back
            // before the smaller attempt.
            try this.sellStep(token, s.pair, s.quote, attempts[i], s.route, s.feeBps) returns (Sale memory sale) {
                s.sellOk = true;
                s.soldAll = i == 0;
                s.sellAmount = sale.sold;
                s.sellExpected = sale.expected;
                s.sellReceived = sale.received;
                s.sellGas = sale.gasUsed;
                return;
            } catch (bytes memory err) {
                if (i == 0) s.sellError = err;
            }
        }
    }

    // ---------------------------------------------------------------- limits

    /// The largest trades that succeed through one pool, found by bisection (see `limits`). Amounts
    /// are token units asked of the pool (buys) or sent to it (sells); a "searched up to" of 0 means
    /// that limit was not measured.
    struct Limits {
        bool ok; // the quote could be wrapped and the pool read
        uint256 buySearchedUpTo; // half the pool's token reserve: a buy this large succeeding means no buy limit below it
        uint256 maxBuy; // largest buy that succeeded
        uint256 walletSearchedUpTo; // WALLET_BUYS buys of maxBuy; 0 when not measured
        uint256 maxWallet; // largest balance one wallet reached by buying
        bool repeatBuyBlocked; // after one buy no further buy went through at all (a cooldown, one buy per block)
        uint256 sellSearchedUpTo; // the balance held when selling
        uint256 maxSell; // largest sale that succeeded
        uint256 trials; // swaps tried
        bool budgetSpent; // the call's gas ran short of another trial before the searches finished: the figures are incomplete
    }

    /// The pool the limits are probed through (its V2 fee, or that it quotes its own output, is in `_feeBps`).
    struct Market {
        address token;
        address pair;
        address quote;
        uint8 route; // 1 V2 (Solidly included), 3 V3
    }

    /// Bisection stops when the bracket is this fine a fraction of its top (0.01 %) ...
    uint256 private constant LIMIT_PRECISION = 10_000;
    /// ... or after this many trials per limit.
    uint256 private constant MAX_TRIALS = 28;
    /// Buys of maxBuy that find a wallet cap (a cap above WALLET_BUYS x maxBuy is not seen).
    uint256 private constant WALLET_BUYS = 8;
    /// Gas one trade may use: a swap costs 100-200k, a tax token's sale with its own swap-back a
    /// few hundred thousand more. A trade that needs more fails as a trade would in a block, and
    /// cannot eat the gas of the trials after it (a call forwards 63/64 of what is left). Low
    /// enough that a search whose failing trades all burn their gas (~15 of them) fits the call.
    uint256 private constant TRADE_GAS = 1_000_000;
    /// Gas kept back for returning the figures once trials stop.
    uint256 private constant LIMITS_RESERVE = 100_000;

    /// Quote rounds a buy from a pool that quotes its own output may take to find what to pay.
    uint256 private constant QUOTE_ROUNDS = 4;

    /// A trial succeeded; it reverts anyway so its effects are rolled back.
    error TrialOk();
    /// What a transfer into a pool delivered; reverted with, so the transfer is rolled back.
    error Arrived(uint256 amount);

    /// The largest buy, the largest balance one wallet reaches by buying, and the largest sale that
    /// succeed through `pair` (route 1 V2, 3 V3), whose other token `quote` is a wrapped native
    /// coin: each by bisection over trials that roll themselves back. The pool is traded as
    /// `simulate` trades it: a V2 pair at its fee `feeBps` (0 for 30), POOL_QUOTES for a Solidly
    /// pool's own quote; a V3 pool (any fee tier) through the swap callback its DEX calls. The
    /// wallet is probed by buying maxBuy repeatedly (kept), then the largest top-up; the sale from
    /// the balance so held. Every trade gets at most TRADE_GAS; when the call's gas cannot cover
    /// another, the searches stop with `budgetSpent` rather than read a starved trade as a limit.
    function limits(address token, address pair, address quote, uint8 route, uint16 feeBps) external returns (Limits memory l) {
        _feeBps = route == 3 ? 0 : feeBps;
        (bool ok, , , uint256 reserveToken) = route == 3 ? _v3Sides(pair, token) : _sides(pair, token);
        if (!ok || reserveToken < 1000 || !_wrap(quote, address(this).balance / 2)) return l;
        Market memory m = Market(token, pair, quote, route);
        l.ok = true;
        l.buySearchedUpTo = reserveToken / 2;
        l.maxBuy = _largest(l, m, 0, l.buySearchedUpTo);
        if (l.maxBuy == 0 || l.budgetSpent) return l;
        // Repeated buys only say something when they cannot drain the pool themselves.
        if (l.maxBuy * WALLET_BUYS <= reserveToken / 2) {
            uint256 bought;
            for (; bought < WALLET_BUYS && _keep(l, m, 0, l.maxBuy); ++bought) {}
            if (l.budgetSpent) return l;
            uint256 held = _balanceOf(token, address(this));
            if (bought == WALLET_BUYS) {
                l.walletSearchedUpTo = held;
            } else {
                uint256 topUp = _largest(l, m, 0, l.maxBuy);
                if (l.budgetSpent) return l;
                if (topUp == 0 && bought > 0) l.repeatBuyBlocked = true;
                else {
                    l.walletSearchedUpTo = held + l.maxBuy;
                    l.maxWallet = held + topUp;
                    // Kept, so the sale is searched up to the fullest wallet.
                    if (topUp > 0) _keep(l, m, 0, topUp);
                }
            }
        } else {
            _keep(l, m, 0, l.maxBuy);
        }
        if (l.budgetSpent) return l;
        l.sellSearchedUpTo = _balanceOf(token, address(this));
        l.maxSell = _largest(l, m, 1, l.sellSearchedUpTo);
    }

    /// The largest amount in [0, hi] whose trade (`kind` 0 buy, 1 sell) succeeds, by bisection.
    function _largest(Limits memory l, Market memory m, uint8 kind, uint256 hi) private returns (uint256 lo) {
        if (hi == 0) return 0;
        uint256 trials = 1;
        if (_trial(l, m, kind, hi)) return hi;
        // Nothing goes through even at the bracket's finest step (a honeypot's sale): no search.
        uint256 smallest = hi / LIMIT_PRECISION > 0 ? hi / LIMIT_PRECISION : 1;
        trials++;
        if (!_trial(l, m, kind, smallest)) return 0;
        lo = smallest;
        while (hi - lo > 1 && hi - lo > hi / LIMIT_PRECISION && trials < MAX_TRIALS && !l.budgetSpent) {
            uint256 mid = lo + (hi - lo) / 2;
            trials++;
            if (_trial(l, m, kind, mid)) lo = mid;
            else hi = mid;
        }
    }

    /// Whether one trade of `amount` succeeds, its effects rolled back; false (and `budgetSpent`)
    /// without the gas for it.
    function _trial(Limits memory l, Market memory m, uint8 kind, uint256 amount) private returns (bool) {
        if (!_budgetFor(l)) return false;
        try this.trialStep{gas: TRADE_GAS}(kind, m.token, m.pair, m.quote, m.route, amount) {
            return false;
        } catch (bytes memory err) {
            return err.length == 4 && bytes4(err) == TrialOk.selector;
        }
    }

    /// One trade of `amount`, kept when it succeeds.
    function _keep(Limits memory l, Market memory m, uint8 kind, uint256 amount) private returns (bool) {
        if (!_budgetFor(l)) return false;
        try this.tradeStep{gas: TRADE_GAS}(kind, m.token, m.pair, m.quote, m.route, amount) {
            return true;
        } catch {
            return false;
        }
    }

    /// Counts a trade when the gas left covers it (all of TRADE_GAS reaches the callee: 64/63 of
    /// it must be left) and the return; otherwise marks the search as cut short.
    function _budgetFor(Limits memory l) private view returns (bool) {
        if (gasleft() < (TRADE_GAS * 64) / 63 + LIMITS_RESERVE) {
            l.budgetSpent = true;
            return false;
        }
        l.trials++;
        return true;
    }

    /// One trade that always reverts: with TrialOk when it went through. Self-call only.
    function trialStep(uint8 kind, address token, address pair, address quote, uint8 route, uint256 amount) external {
        this.tradeStep(kind, token, pair, quote, route, amount);
        revert TrialOk();
    }

    /// One trade, kept: a buy of exactly `amount` tokens (kind 0) or a sale of `amount`, sent to the
    /// pool in one transfer (kind 1). Self-call only.
    function tradeStep(uint8 kind, address token, address pair, address quote, uint8 route, uint256 amount) external {
        require(msg.sender == address(this), "self only");
        if (kind == 1) {
            if (route == 3) _sellExactV3(token, pair, amount);
            else _sellToPair(token, pair, quote, amount);
        } else if (route == 3) {
            _buyExactV3(pair, quote, amount);
        } else {
            (, , uint256 reserveQuote, uint256 reserveToken) = _sides(pair, token);
            require(amount < reserveToken, "more than the pool holds");
            uint256 amountIn = _pairIn(pair, quote, amount, reserveQuote, reserveToken);
            require(_transfer(quote, pair, amountIn), "quote transfer to the pair failed");
            bool tokenIs0 = _readAddressOr0(pair, abi.encodeWithSignature("token0()")) == token;
            (bool ok, bytes memory ret) = pair.call(abi.encodeWithSignature("swap(uint256,uint256,address,bytes)", tokenIs0 ? amount : 0, tokenIs0 ? 0 : amount, address(this), ""));
            _bubble(ok, ret);
        }
    }

    /// An exact-output V3 buy of `amount` tokens. A pool whose liquidity runs out first stops at
    /// the price limit and pays out less without reverting: that buy did not go through.
    function _buyExactV3(address pool, address quote, uint256 amount) private {
        bool quoteIs0 = _readAddressOr0(pool, abi.encodeWithSignature("token0()")) == quote;
        _swapPool = pool;
        (bool ok, bytes memory ret) = pool.call(
            abi.encodeWithSignature(
                "swap(address,bool,int256,uint160,bytes)",
                address(this),
                quoteIs0,
                -int256(amount),
                quoteIs0 ? MIN_SQRT_RATIO_PLUS_ONE : MAX_SQRT_RATIO_MINUS_ONE,
                ""
            )
        );
        _swapPool = address(0);
        _bubble(ok, ret);
        (int256 amount0, int256 amount1) = abi.decode(ret, (int256, int256));
        // The token is the side that is not the quote: the pool owes it (negative delta).
        require((quoteIs0 ? amount1 : amount0) == -int256(amount), "pool paid out less than asked");
    }

    /// A V3 sale of `amount` tokens sent to the pool in one transfer, as a V2 sale sends them (a cap
    /// on one transfer is measured on the whole amount): what that transfer delivers is learned by
    /// making it and rolling it back (`arrivalStep`), that much is sold exact-input, and the swap
    /// callback pays it with one transfer of `amount` (topped up only if it then delivers less).
    function _sellExactV3(address token, address pool, uint256 amount) private {
        uint256 arrives = _arrival(token, pool, amount);
        require(arrives > 0, "transfer into the pool delivered nothing");
        bool tokenIs0 = _readAddressOr0(pool, abi.encodeWithSignature("token0()")) == token;
        _payFirst = amount;
        (bool ok, bytes memory ret) = _swapV3(pool, tokenIs0, arrives);
        _payFirst = 0;
        _bubble(ok, ret);
    }

    /// What a transfer of `amount` to `to` delivers, the transfer rolled back; reverts with the
    /// token's reason when it refuses the transfer.
    function _arrival(address token, address to, uint256 amount) private returns (uint256 arrived) {
        try this.arrivalStep(token, to, amount) {
            revert("arrival not reported");
        } catch (bytes memory err) {
            if (err.length != 36 || bytes4(err) != Arrived.selector) _bubble(false, err);
            assembly {
                arrived := mload(add(err, 36))
            }
        }
    }

    /// A transfer of `amount` to `to` that always reverts, with Arrived(what `to` was credited). Self-call only.
    function arrivalStep(address token, address to, uint256 amount) external {
        require(msg.sender == address(this), "self only");
        uint256 before = _balanceOf(token, to);
        (bool ok, bytes memory ret) = token.call(abi.encodeWithSignature("transfer(address,uint256)", to, amount));
        _forward(ok, ret);
        revert Arrived(_sub(_balanceOf(token, to), before));
    }

    /// One sell attempt; reverts with the token's or pair's reason when it fails. Self-call only.
    /// `feeBps`: a V2 pair's swap fee (0 for 30).
    function sellStep(address token, address pair, address quote, uint256 amount, uint8 route, uint16 feeBps) external returns (Sale memory sale) {
        require(msg.sender == address(this), "self only");
        _feeBps = feeBps;
        uint256 gasBefore = gasleft();
        sale = route == 2 ? _unwrap(token, amount) : route == 3 ? _sellToV3(token, pair, quote, amount) : _sellToPair(token, pair, quote, amount);
        sale.gasUsed = gasBefore - gasleft();
    }

    function _unwrap(address token, uint256 amount) private returns (Sale memory sale) {
        uint256 selfBefore = _balanceOf(token, address(this));
        uint256 ethBefore = address(this).balance;
        (bool ok, bytes memory ret) = token.call(abi.encodeWithSignature("withdraw(uint256)", amount));
        _forward(ok, ret);
        sale.sold = _sub(selfBefore, _balanceOf(token, address(this)));
        sale.expected = sale.sold;
        sale.received = address(this).balance - ethBefore;
    }

    function _sellToPair(address token, address pair, address quote, uint256 amount) private returns (Sale memory sale) {
        uint256 selfBefore = _balanceOf(token, address(this));
        (, , uint256 reserveQuote, uint256 reserveToken) = _sides(pair, token);
        (bool ok, bytes memory ret) = token.call(abi.encodeWithSignature("transfer(address,uint256)", pair, amount));
        _forward(ok, ret);
        sale.sold = _sub(selfBefore, _balanceOf(token, address(this)));
        sale.expected = _pairOut(pair, token, sale.sold, reserveToken, reserveQuote);
        // What the pair actually got decides what it pays out, as with the V2 router's
        // fee-on-transfer functions.
        uint256 out = _pairOut(pair, token, _sub(_balanceOf(token, pair), reserveToken), reserveToken, reserveQuote);
        uint256 quoteBefore = _balanceOf(quote, address(this));
        bool tokenIs0 = _readAddressOr0(pair, abi.encodeWithSignature("token0()")) == token;
        (ok, ret) = pair.call(abi.encodeWithSignature("swap(uint256,uint256,address,bytes)", tokenIs0 ? 0 : out, tokenIs0 ? out : 0, address(this), ""));
        _forward(ok, ret);
        sale.received = _sub(_balanceOf(quote, address(this)), quoteBefore);
    }

    /// A V3 sell of `amount` tokens. A hundredth goes into the pool first as a plain transfer (lost
    /// to the pool, harmlessly: this is a simulation) to learn what share of a transfer into the
    /// pool arrives; the rest is sold exact-input for what would arrive (less 0.1 % headroom), so a
    /// fee-on-transfer token can sell its whole balance as it would through a router. Expected is
    /// the pool's own price for the tokens it received, applied to every token the swap debited
    /// (linear: the simulated trade is 0.1 % of the pool).
    function _sellToV3(address token, address pool, address quote, uint256 amount) private returns (Sale memory sale) {
        uint256 selfBefore = _balanceOf(token, address(this));
        uint256 swapIn = _v3SellSize(token, pool, amount);
        uint256 quoteBefore = _balanceOf(quote, address(this));
        (uint256 credited, uint256 debited) = _v3SellSwap(token, pool, swapIn);
        sale.received = _sub(_balanceOf(quote, address(this)), quoteBefore);
        sale.sold = _sub(selfBefore, _balanceOf(token, address(this)));
        sale.expected = credited == 0 ? 0 : (sale.received * debited) / credited;
    }

    /// Sends a hundredth of `amount` into the pool and returns what the rest would deliver, less
    /// 0.1 % headroom for the token's rounding.
    function _v3SellSize(address token, address pool, uint256 amount) private returns (uint256 swapIn) {
        uint256 sample = amount / 100;
        if (sample == 0) sample = amount;
        uint256 poolBefore = _balanceOf(token, pool);
        (bool ok, bytes memory ret) = token.call(abi.encodeWithSignature("transfer(address,uint256)", pool, sample));
        _forward(ok, ret);
        uint256 arrived = _sub(_balanceOf(token, pool), poolBefore);
        require(arrived > 0, "transfer into the pool delivered nothing");
        swapIn = ((((amount - sample) * arrived) / sample) * 999) / 1000;
        require(swapIn > 0, "nothing left to sell");
    }

    /// The exact-input sell: tokens the pool credited itself and tokens it cost this contract.
    function _v3SellSwap(address token, address pool, uint256 swapIn) private returns (uint256 credited, uint256 debited) {
        uint256 before = _balanceOf(token, address(this));
        bool tokenIs0 = _readAddressOr0(pool, abi.encodeWithSignature("token0()")) == token;
        (bool ok, bytes memory ret) = _swapV3(pool, tokenIs0, swapIn);
        if (!ok) {
            assembly {
                revert(add(ret, 32), mload(ret))
            }
        }
        (int256 amount0, int256 amount1) = abi.decode(ret, (int256, int256));
        int256 tokenDelta = tokenIs0 ? amount0 : amount1;
        credited = tokenDelta > 0 ? uint256(tokenDelta) : 0;
        debited = _sub(before, _balanceOf(token, address(this)));
    }

    /// The V3 pool's other token and its token balances, oriented to `token`.
    function _v3Sides(address pool, address token) private view returns (bool ok, address quote, uint256 reserveQuote, uint256 reserveToken) {
        (bool ok0, address t0) = _readAddress(pool, abi.encodeWithSignature("token0()"));
        (bool ok1, address t1) = _readAddress(pool, abi.encodeWithSignature("token1()"));
        if (!ok0 || !ok1 || (t0 != token && t1 != token)) return (false, address(0), 0, 0);
        quote = t0 == token ? t1 : t0;
        return (true, quote, _balanceOf(quote, pool), _balanceOf(token, pool));
    }

    // ---------------------------------------------------------------- helpers

    /// The pair's other token and both reserves, oriented to `token`.
    function _sides(address pair, address token) private view returns (bool ok, address quote, uint256 reserveQuote, uint256 reserveToken) {
        (bool ok0, address t0) = _readAddress(pair, abi.encodeWithSignature("token0()"));
        (bool ok1, address t1) = _readAddress(pair, abi.encodeWithSignature("token1()"));
        (bool okR, bytes memory data) = pair.staticcall{gas: READ_GAS}(abi.encodeWithSignature("getReserves()"));
        if (!ok0 || !ok1 || !okR || data.length < 64 || (t0 != token && t1 != token)) return (false, address(0), 0, 0);
        (uint256 r0, uint256 r1) = abi.decode(data, (uint256, uint256));
        return t0 == token ? (true, t1, r1, r0) : (true, t0, r0, r1);
    }

    /// True when `wrapped.deposit{value: amount}()` credited exactly `amount`: a WETH-like coin.
    function _wrap(address wrapped, uint256 amount) private returns (bool) {
        if (wrapped.code.length == 0 || address(this).balance < amount) return false;
        uint256 before = _balanceOf(wrapped, address(this));
        (bool ok, ) = wrapped.call{value: amount}(abi.encodeWithSignature("deposit()"));
        return ok && _balanceOf(wrapped, address(this)) == before + amount;
    }

    function _transfer(address token, address to, uint256 amount) private returns (bool) {
        (bool ok, bytes memory ret) = token.call(abi.encodeWithSignature("transfer(address,uint256)", to, amount));
        return ok && (ret.length < 32 || abi.decode(ret, (uint256)) != 0);
    }

    /// What `pair` pays for `amountIn` of `tokenIn`: the pool's own quote for a Solidly pool
    /// (`_feeBps` is POOL_QUOTES), else getAmountOut on the reserves at the pair's fee.
    function _pairOut(address pair, address tokenIn, uint256 amountIn, uint256 reserveIn, uint256 reserveOut) private view returns (uint256) {
        if (_feeBps != POOL_QUOTES) return _amountOut(amountIn, reserveIn, reserveOut);
        if (amountIn == 0) return 0;
        return _readUint(pair, abi.encodeWithSignature("getAmountOut(uint256,address)", amountIn, tokenIn));
    }

    /// What `pair` must be paid in `tokenIn` to pay out `amountOut` (< reserveOut): Uniswap V2's
    /// getAmountIn at the pair's fee, or, for a pool that quotes its own output (Solidly), an input
    /// its getAmountOut says pays at least `amountOut`. That input is found from the quote itself:
    /// x·y = k inverted at the fee the last quote implies (exact for a volatile pool, a little more
    /// than needed for a stable pool's flatter curve), re-quoted until it pays; paying more than
    /// needed passes any pool's invariant.
    function _pairIn(address pair, address tokenIn, uint256 amountOut, uint256 reserveIn, uint256 reserveOut) private view returns (uint256 amountIn) {
        if (_feeBps != POOL_QUOTES) {
            uint256 fee = _feeBps == 0 ? 30 : _feeBps;
            require(fee < 10_000, "fee of 100 % or more");
            return (reserveIn * amountOut * 10_000) / ((reserveOut - amountOut) * (10_000 - fee)) + 1;
        }
        // x·y = k without a fee: no volatile pool pays `amountOut` for less.
        amountIn = (reserveIn * amountOut) / (reserveOut - amountOut) + 1;
        uint256 quoted = _pairOut(pair, tokenIn, amountIn, reserveIn, reserveOut);
        for (uint256 k; quoted < amountOut && k < QUOTE_ROUNDS; ++k) {
            require(quoted > 0, "the pool quotes nothing");
            // quoted = g·in·R_out / (R_in + g·in) gives the fee factor g; amountOut needs
            // R_in·amountOut / (g·(R_out − amountOut)). Divided early: the product would overflow.
            amountIn = (((amountIn * (reserveOut - quoted)) / quoted) * amountOut) / (reserveOut - amountOut) + 1;
            quoted = _pairOut(pair, tokenIn, amountIn, reserveIn, reserveOut);
        }
        require(quoted >= amountOut, "the pool quotes less than the buy asks");
    }

    /// Uniswap V2's getAmountOut at the traded pair's fee (`_feeBps`; 0.3 % when unset), in basis
    /// points as PancakeSwap's own library computes it.
    function _amountOut(uint256 amountIn, uint256 reserveIn, uint256 reserveOut) private view returns (uint256) {
        if (amountIn == 0 || reserveIn == 0 || reserveOut == 0) return 0;
        uint256 fee = _feeBps == 0 ? 30 : _feeBps;
        if (fee >= 10_000) return 0;
        uint256 withFee = amountIn * (10_000 - fee);
        return (withFee * reserveOut) / (reserveIn * 10_000 + withFee);
    }

    function _balanceOf(address token, address account) private view returns (uint256) {
        return _readUint(token, abi.encodeWithSignature("balanceOf(address)", account));
    }

    function _readUint(address target, bytes memory data) private view returns (uint256) {
        (bool ok, bytes memory ret) = target.staticcall{gas: READ_GAS}(data);
        return ok && ret.length >= 32 ? abi.decode(ret, (uint256)) : 0;
    }

    function _readAddress(address target, bytes memory data) private view returns (bool, address) {
        (bool ok, bytes memory ret) = target.staticcall{gas: READ_GAS}(data);
        if (!ok || ret.length < 32) return (false, address(0));
        uint256 word = abi.decode(ret, (uint256));
        return word >> 160 == 0 ? (true, address(uint160(word))) : (false, address(0));
    }

    function _readAddressOr0(address target, bytes memory data) private view returns (address a) {
        (, a) = _readAddress(target, data);
    }

    /// Reverts with the callee's own revert data, so the agent can report the token's reason.
    function _forward(bool ok, bytes memory ret) private pure {
        if (ok && (ret.length < 32 || abi.decode(ret, (uint256)) != 0)) return;
        if (ok) ret = abi.encodeWithSignature("Error(string)", "call returned false");
        assembly {
            revert(add(ret, 32), mload(ret))
        }
    }

    /// Reverts with the callee's revert data when the call failed.
    function _bubble(bool ok, bytes memory ret) private pure {
        if (ok) return;
        assembly {
            revert(add(ret, 32), mload(ret))
        }
    }

    function _sub(uint256 a, uint256 b) private pure returns (uint256) {
        return a > b ? a - b : 0;
    }
}
