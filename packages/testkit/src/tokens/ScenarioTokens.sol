// SPDX-License-Identifier: MIT
// Scenario tokens for the security agent's ground truth. Each contract reproduces one risky
// pattern the way scam tokens usually write it (owner-only setters, fee on transfer to the AMM
// pair, checks in the transfer hook); the clean references are plain OpenZeppelin ERC20.
pragma solidity 0.8.26;

import "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import "@openzeppelin/contracts/access/Ownable.sol";
import "@openzeppelin/contracts/security/Pausable.sol";
import "@openzeppelin/contracts/proxy/utils/Initializable.sol";

/// Plain OpenZeppelin ERC20 with a fixed supply and no owner: the clean reference, the
/// 6-decimals stablecoin and the "liquidity held by the deployer" token.
contract CleanToken is ERC20 {
    uint8 private immutable _decimals;

    constructor(string memory name_, string memory symbol_, uint8 decimals_, uint256 supply) ERC20(name_, symbol_) {
        _decimals = decimals_;
        _mint(msg.sender, supply);
    }

    function decimals() public view override returns (uint8) {
        return _decimals;
    }
}

/// Owned ERC20 that knows its AMM pairs, so hooks can tell buys (from a pair) and sells (to one).
abstract contract PairAwareToken is ERC20, Ownable {
    mapping(address => bool) public isMarketPair;

    constructor(string memory name_, string memory symbol_, uint256 supply) ERC20(name_, symbol_) {
        _mint(msg.sender, supply);
    }

    function setMarketPair(address pair, bool value) external onlyOwner {
        isMarketPair[pair] = value;
    }
}

/// The owner can blacklist any holder; a blacklisted holder can no longer send (so never sell).
contract BlacklistToken is PairAwareToken {
    mapping(address => bool) public isBlacklisted;

    constructor(uint256 supply) PairAwareToken("Blacklist Token", "BLOCK", supply) {}

    function setBlacklist(address account, bool value) external onlyOwner {
        isBlacklisted[account] = value;
    }

    function _beforeTokenTransfer(address from, address, uint256) internal view override {
        require(!isBlacklisted[from], "blacklisted");
    }
}

/// A honeypot: anyone can buy, only the owner can sell into a pair.
contract OwnerSellOnlyToken is PairAwareToken {
    constructor(uint256 supply) PairAwareToken("Honeypot Token", "HONEY", supply) {}

    function _beforeTokenTransfer(address from, address to, uint256) internal view override {
        if (isMarketPair[to] && from != owner()) revert("sell disabled");
    }
}

/// Traps everyone who held it before the owner's innocuously named `syncRewards()`: from then on,
/// an address that first received the token earlier cannot sell into a pair, while an address that
/// first receives it afterwards can. A fresh wallet's buy-then-sell simulation passes; the real
/// holders' own sales revert. No catalogued selector gives it away.
contract HolderTrapToken is PairAwareToken {
    mapping(address => uint256) private _firstReceived;
    uint256 private _trapFrom;

    constructor(uint256 supply) PairAwareToken("Holder Trap Token", "TRAP", supply) {}

    function syncRewards() external onlyOwner {
        _trapFrom = block.number;
    }

    function _beforeTokenTransfer(address from, address to, uint256) internal override {
        if (_trapFrom != 0 && isMarketPair[to] && from != owner() && _firstReceived[from] < _trapFrom) revert("rewards pending");
        if (to != address(0) && _firstReceived[to] == 0) _firstReceived[to] = block.number;
    }
}

/// Fee on transfer: a fixed 50 % of every sell goes to the fee wallet. No setter, so the tax
/// cannot change; ownership is renounced by the scenario.
contract SellTaxToken is PairAwareToken {
    uint256 public constant SELL_TAX_BPS = 5_000;
    address public immutable feeWallet;

    constructor(uint256 supply) PairAwareToken("Sell Tax Token", "STAX", supply) {
        feeWallet = msg.sender;
    }

    function _transfer(address from, address to, uint256 amount) internal override {
        if (isMarketPair[to] && from != feeWallet) {
            uint256 fee = (amount * SELL_TAX_BPS) / 10_000;
            super._transfer(from, feeWallet, fee);
            amount -= fee;
        }
        super._transfer(from, to, amount);
    }
}

/// Buy and sell taxes the owner can raise without a cap (to 100 %, freezing sells).
contract ModifiableTaxToken is PairAwareToken {
    uint256 public buyTaxBps;
    uint256 public sellTaxBps;

    constructor(uint256 supply, uint256 buyBps, uint256 sellBps) PairAwareToken("Tax Token", "TAX", supply) {
        buyTaxBps = buyBps;
        sellTaxBps = sellBps;
    }

    function setTaxes(uint256 buyBps, uint256 sellBps) external onlyOwner {
        buyTaxBps = buyBps;
        sellTaxBps = sellBps;
    }

    function _transfer(address from, address to, uint256 amount) internal override {
        uint256 bps = isMarketPair[from] ? buyTaxBps : isMarketPair[to] ? sellTaxBps : 0;
        if (bps > 0 && from != owner() && to != owner()) {
            uint256 fee = (amount * bps) / 10_000;
            super._transfer(from, owner(), fee);
            amount -= fee;
        }
        super._transfer(from, to, amount);
    }
}

/// The owner can mint without limit.
contract MintableToken is PairAwareToken {
    constructor(uint256 supply) PairAwareToken("Mintable Token", "MINT", supply) {}

    function mint(address to, uint256 amount) external onlyOwner {
        _mint(to, amount);
    }
}

/// The owner can stop every transfer.
contract PausableToken is PairAwareToken, Pausable {
    constructor(uint256 supply) PairAwareToken("Pausable Token", "PAUSE", supply) {}

    function pause() external onlyOwner {
        _pause();
    }

    function unpause() external onlyOwner {
        _unpause();
    }

    function _beforeTokenTransfer(address, address, uint256) internal view override {
        require(!paused(), "paused");
    }
}

/// The owner can set a trading cooldown: one buy per address per `cooldownSeconds`.
contract CooldownToken is PairAwareToken {
    uint256 public cooldownSeconds = 60;
    mapping(address => uint256) public lastBuy;

    constructor(uint256 supply) PairAwareToken("Cooldown Token", "COOL", supply) {}

    function setCooldown(uint256 seconds_) external onlyOwner {
        cooldownSeconds = seconds_;
    }

    function _beforeTokenTransfer(address from, address to, uint256) internal override {
        if (isMarketPair[from] && to != owner()) {
            require(block.timestamp >= lastBuy[to] + cooldownSeconds, "cooldown");
            lastBuy[to] = block.timestamp;
        }
    }
}

/// Anti-whale: a maximum amount per transfer, which the owner can change (down to zero).
contract MaxTxToken is PairAwareToken {
    uint256 public maxTxAmount;

    constructor(uint256 supply, uint256 maxTx) PairAwareToken("Max Tx Token", "MAXTX", supply) {
        maxTxAmount = maxTx;
    }

    function setMaxTxAmount(uint256 amount) external onlyOwner {
        maxTxAmount = amount;
    }

    function _beforeTokenTransfer(address from, address to, uint256 amount) internal view override {
        if (from != address(0) && from != owner() && to != owner()) require(amount <= maxTxAmount, "max tx");
    }
}

/// Minimal ERC20 whose balances the derived contracts may write directly.
abstract contract RawBalanceERC20 {
    event Transfer(address indexed from, address indexed to, uint256 value);
    event Approval(address indexed owner, address indexed spender, uint256 value);

    string public name;
    string public symbol;
    uint256 public totalSupply;
    mapping(address => uint256) internal _balances;
    mapping(address => mapping(address => uint256)) public allowance;

    function decimals() external pure returns (uint8) {
        return 18;
    }

    function balanceOf(address account) external view returns (uint256) {
        return _balances[account];
    }

    function transfer(address to, uint256 amount) external returns (bool) {
        _move(msg.sender, to, amount);
        return true;
    }

    function approve(address spender, uint256 amount) external returns (bool) {
        allowance[msg.sender][spender] = amount;
        emit Approval(msg.sender, spender, amount);
        return true;
    }

    function transferFrom(address from, address to, uint256 amount) external returns (bool) {
        uint256 allowed = allowance[from][msg.sender];
        if (allowed != type(uint256).max) allowance[from][msg.sender] = allowed - amount;
        _move(from, to, amount);
        return true;
    }

    function _move(address from, address to, uint256 amount) internal {
        _balances[from] -= amount;
        _balances[to] += amount;
        emit Transfer(from, to, amount);
    }

    function _mintRaw(address to, uint256 amount) internal {
        totalSupply += amount;
        _balances[to] += amount;
        emit Transfer(address(0), to, amount);
    }
}

/// The owner can rewrite any balance, silently (no Transfer event, totalSupply untouched).
contract BalanceRewriteToken is RawBalanceERC20 {
    address public owner;

    constructor(uint256 supply) {
        name = "Rewrite Token";
        symbol = "REWRITE";
        owner = msg.sender;
        _mintRaw(msg.sender, supply);
    }

    function setBalance(address account, uint256 amount) external {
        require(msg.sender == owner, "not owner");
        _balances[account] = amount;
    }
}

/// Implementation behind the scenario's EIP-1967 transparent proxy: the proxy admin can swap the
/// code for anything. Storage lives in the proxy, so it is set by `initialize`, not a constructor.
contract UpgradeableToken is RawBalanceERC20, Initializable {
    address public owner;

    constructor() {
        _disableInitializers();
    }

    function initialize(string calldata name_, string calldata symbol_, uint256 supply, address owner_) external initializer {
        name = name_;
        symbol = symbol_;
        owner = owner_;
        _mintRaw(owner_, supply);
    }
}

/// The fixed 50 % sell tax again, for a token whose only pool is on Uniswap V3 (owner kept).
contract V3SellTaxToken is SellTaxToken {
    constructor(uint256 supply) SellTaxToken(supply) {}

    function name() public pure override returns (string memory) {
        return "V3 Sell Tax Token";
    }

    function symbol() public pure override returns (string memory) {
        return "V3TAX";
    }
}

/// Sells blocked for everyone but the owner, for a token whose only pool is on Uniswap V3.
contract V3HoneypotToken is OwnerSellOnlyToken {
    constructor(uint256 supply) OwnerSellOnlyToken(supply) {}

    function name() public pure override returns (string memory) {
        return "V3 Honeypot Token";
    }

    function symbol() public pure override returns (string memory) {
        return "V3HONEY";
    }
}

/// Creator ground truth: an ERC20 a factory creates for whoever calls `launch` (the deployer is the
/// caller's transaction, the factory the contract that ran CREATE); the supply goes to the caller.
contract TokenLauncher {
    event Launched(address indexed token, address indexed by);

    function launch(string memory name_, string memory symbol_, uint256 supply) external returns (address token) {
        CleanToken created = new CleanToken(name_, symbol_, 18, supply);
        created.transfer(msg.sender, supply);
        token = address(created);
        emit Launched(token, msg.sender);
    }
}

/// Creator ground truth: deployed by one account with no supply; a minter it names mints later, to
/// a third account — the first mint's sender is not the deployer.
contract MinterToken is ERC20 {
    address public immutable minter;

    constructor(address minter_) ERC20("Minter Token", "MINTR") {
        minter = minter_;
    }

    function mint(address to, uint256 amount) external {
        require(msg.sender == minter, "not minter");
        _mint(to, amount);
    }
}
