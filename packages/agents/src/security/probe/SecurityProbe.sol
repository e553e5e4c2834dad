// SPDX-License-Identifier: MIT
// The security agent's on-chain helper. It is never deployed: the agent places its runtime code at
// an unused address with an eth_call state override (and funds it with a balance override), so
// it works on any node that implements eth_call's state-override parameter (geth, erigon, reth,
// nethermind, anvil). Every external call it makes is guarded, so one hostile token cannot make
// the whole read fail. The runtime bytecode is committed in security-probe.bytecode.ts; a test
// recompiles this file and fails if the two differ.
pragma solidity 0.8.26;

contract SecurityProbe {
    /// A Uniswap V2 pair holding the token, verified with its own factory's getPair.
    struct Pool {
        address pair;
        address factory;
        address token0;
        address token1;
        uint256 reserve0;
        uint256 reserve1;
        uint256 lpSupply;
    }

    /// One buy, wallet transfer and sell through `pair`, or wrap/unwrap when `route` is 2.
    struct Simulation {
        uint8 route; // 0 no usable pool, 1 V2 pair, 2 the token is itself the wrapped native coin
        address pair;
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

    /// One sell attempt's outcome.
    struct Sale {
        uint256 sold; // tokens debited from the seller
        uint256 expected; // quote the reserves promise for `sold`
        uint256 received; // quote that arrived
        uint256 gasUsed;
    }

    /// Gas for each read of someone else's contract: plenty for a view, too little to grief.
    uint256 private constant READ_GAS = 100_000;
    /// The receiver of the wallet-transfer test: an address nobody controls.
    address private constant PEER = address(uint160(uint256(keccak256("oca.security-probe.peer"))));

    receive() external payable {}

    // ---------------------------------------------------------------- reads

    /// Balances and code sizes of `accounts`, and every V2 pair of `token` among them or behind
    /// `factories` × `quotes` (getPair). A failing balanceOf reads as 0.
    function inspect(address token, address[] calldata accounts, address[] calldata factories, address[] calldata quotes)
        external
        view
        returns (uint256[] memory balances, uint256[] memory codeSizes, Pool[] memory pools)
    {
        balances = new uint256[](accounts.length);
        codeSizes = new uint256[](accounts.length);
        Pool[] memory found = new Pool[](accounts.length + factories.length * quotes.length);
        uint256 n;
        for (uint256 i; i < accounts.length; ++i) {
            balances[i] = _balanceOf(token, accounts[i]);
            codeSizes[i] = accounts[i].code.length;
            if (balances[i] > 0 && codeSizes[i] > 0) n = _addPool(found, n, token, accounts[i]);
        }
        n = _addListedPools(found, n, token, factories, quotes);
        pools = new Pool[](n);
        for (uint256 i; i < n; ++i) pools[i] = found[i];
    }

    function _addListedPools(Pool[] memory found, uint256 n, address token, address[] calldata factories, address[] calldata quotes)
        private
        view
        returns (uint256)
    {
        for (uint256 f; f < factories.length; ++f) {
            for (uint256 q; q < quotes.length; ++q) {
                (bool ok, address pair) = _readAddress(factories[f], abi.encodeWithSignature("getPair(address,address)", token, quotes[q]));
                if (ok && pair != address(0)) n = _addPool(found, n, token, pair);
            }
        }
        return n;
    }

    function _addPool(Pool[] memory found, uint256 n, address token, address candidate) private view returns (uint256) {
        for (uint256 i; i < n; ++i) if (found[i].pair == candidate) return n;
        (bool ok, Pool memory pool) = _pool(token, candidate);
        if (!ok) return n;
        found[n] = pool;
        return n + 1;
    }

    /// `candidate` as a V2 pair of `token`, trusted only if its factory maps the pair back to it.
    function _pool(address token, address candidate) private view returns (bool, Pool memory p) {
        if (candidate.code.length == 0) return (false, p);
        bool ok0;
        bool ok1;
        (ok0, p.token0) = _readAddress(candidate, abi.encodeWithSignature("token0()"));
        (ok1, p.token1) = _readAddress(candidate, abi.encodeWithSignature("token1()"));
        if (!ok0 || !ok1 || (p.token0 != token && p.token1 != token)) return (false, p);
        (ok0, p.factory) = _readAddress(candidate, abi.encodeWithSignature("factory()"));
        if (!ok0 || p.factory.code.length == 0) return (false, p);
        (bool okPair, address listed) = _readAddress(p.factory, abi.encodeWithSignature("getPair(address,address)", p.token0, p.token1));
        if (!okPair || listed != candidate) return (false, p);
        (bool okReserves, bytes memory data) = candidate.staticcall{gas: READ_GAS}(abi.encodeWithSignature("getReserves()"));
        if (!okReserves || data.length < 64) return (false, p);
        (p.reserve0, p.reserve1) = abi.decode(data, (uint256, uint256));
        p.lpSupply = _readUint(candidate, abi.encodeWithSignature("totalSupply()"));
        p.pair = candidate;
        return (true, p);
    }

    // ---------------------------------------------------------------- simulation

    /// Buys `token` through the first of `pairs` whose other side is a wrapped native coin (it
    /// accepts deposit() with value and credits exactly that), sends a tenth to a fresh address,
    /// then sells the rest back: all of it, or a tenth if all of it fails. Without such a pair,
    /// a `token` that is itself a wrapped native coin is tested by wrap, transfer and unwrap.
    function simulate(address token, address[] calldata pairs) external returns (Simulation memory s) {
        for (uint256 i; i < pairs.length; ++i) {
            (bool ok, address quote, uint256 reserveQuote, ) = _sides(pairs[i], token);
            if (!ok || reserveQuote < 1000) continue;
            uint256 amountIn = reserveQuote / 1000;
            if (!_wrap(quote, amountIn)) continue;
            s.route = 1;
            s.pair = pairs[i];
            s.quote = quote;
            s.amountIn = amountIn;
            _buy(s, token);
            if (!s.buyOk || s.buyReceived == 0) return s;
            _walletTransfer(s, token, s.buyReceived / 10);
            _sell(s, token);
            return s;
        }
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

    function _buy(Simulation memory s, address token) private {
        (, , uint256 reserveQuote, uint256 reserveToken) = _sides(s.pair, token);
        s.buyExpected = _amountOut(s.amountIn, reserveQuote, reserveToken);
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
            try this.sellStep(token, s.pair, s.quote, attempts[i], s.route) returns (Sale memory sale) {
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

    /// One sell attempt; reverts with the token's or pair's reason when it fails. Self-call only.
    function sellStep(address token, address pair, address quote, uint256 amount, uint8 route) external returns (Sale memory sale) {
        require(msg.sender == address(this), "self only");
        uint256 gasBefore = gasleft();
        sale = route == 2 ? _unwrap(token, amount) : _sellToPair(token, pair, quote, amount);
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
        sale.expected = _amountOut(sale.sold, reserveToken, reserveQuote);
        // What the pair actually got decides what it pays out, as with the V2 router's
        // fee-on-transfer functions.
        uint256 out = _amountOut(_sub(_balanceOf(token, pair), reserveToken), reserveToken, reserveQuote);
        uint256 quoteBefore = _balanceOf(quote, address(this));
        bool tokenIs0 = _readAddressOr0(pair, abi.encodeWithSignature("token0()")) == token;
        (ok, ret) = pair.call(abi.encodeWithSignature("swap(uint256,uint256,address,bytes)", tokenIs0 ? 0 : out, tokenIs0 ? out : 0, address(this), ""));
        _forward(ok, ret);
        sale.received = _sub(_balanceOf(quote, address(this)), quoteBefore);
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

    /// Uniswap V2's getAmountOut (0.3 % fee).
    function _amountOut(uint256 amountIn, uint256 reserveIn, uint256 reserveOut) private pure returns (uint256) {
        if (amountIn == 0 || reserveIn == 0 || reserveOut == 0) return 0;
        uint256 withFee = amountIn * 997;
        return (withFee * reserveOut) / (reserveIn * 1000 + withFee);
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

    function _sub(uint256 a, uint256 b) private pure returns (uint256) {
        return a > b ? a - b : 0;
    }
}
