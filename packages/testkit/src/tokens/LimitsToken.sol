// SPDX-License-Identifier: MIT
// The limits bisection's ground truth, in its own file: ScenarioTokens.sol is compiled (and its
// solc output cached) by every token suite, so a change here leaves that cache entry warm.
pragma solidity 0.8.26;

import "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import "@openzeppelin/contracts/access/Ownable.sol";

/// A largest buy (from a pair), a largest sale (to a pair) and a largest wallet balance, each
/// different; the owner is exempt and can change them. Knows its AMM pairs as the scenario
/// tokens do (`setMarketPair`).
contract LimitsToken is ERC20, Ownable {
    mapping(address => bool) public isMarketPair;
    uint256 public maxBuyAmount;
    uint256 public maxSellAmount;
    uint256 public maxWalletAmount;

    constructor(uint256 supply, uint256 maxBuy_, uint256 maxSell_, uint256 maxWallet_) ERC20("Limits Token", "LIMIT") {
        _mint(msg.sender, supply);
        setLimits(maxBuy_, maxSell_, maxWallet_);
    }

    function setMarketPair(address pair, bool value) external onlyOwner {
        isMarketPair[pair] = value;
    }

    function setLimits(uint256 maxBuy_, uint256 maxSell_, uint256 maxWallet_) public onlyOwner {
        maxBuyAmount = maxBuy_;
        maxSellAmount = maxSell_;
        maxWalletAmount = maxWallet_;
    }

    function _beforeTokenTransfer(address from, address to, uint256 amount) internal view override {
        if (from == address(0) || from == owner() || to == owner()) return;
        if (isMarketPair[from]) require(amount <= maxBuyAmount, "max buy");
        if (isMarketPair[to]) require(amount <= maxSellAmount, "max sell");
        else require(balanceOf(to) + amount <= maxWalletAmount, "max wallet");
    }
}

/// A sale cap enforced by running out of gas rather than by a revert: a sale to a pair above
/// `sellCap` spins until the call's gas is gone. A trade that fails this way must not eat the gas
/// of the trials after it.
contract GasTrapToken is ERC20, Ownable {
    mapping(address => bool) public isMarketPair;
    uint256 public sellCap;

    constructor(uint256 supply, uint256 sellCap_) ERC20("Gas Trap", "TRAP") {
        _mint(msg.sender, supply);
        sellCap = sellCap_;
    }

    function setMarketPair(address pair, bool value) external onlyOwner {
        isMarketPair[pair] = value;
    }

    function _beforeTokenTransfer(address from, address to, uint256 amount) internal view override {
        if (from == address(0) || from == owner() || to == owner()) return;
        if (isMarketPair[to] && amount > sellCap) {
            uint256 spin;
            while (gasleft() > 0) spin++;
        }
    }
}
