// SPDX-License-Identifier: MIT
// The devnet's LP locker: a minimal time-lock in the manner of UNCX or Team Finance. Its creation
// code decides its CREATE2 address, which @oca/chain lists as the devnet's locker (LP_LOCKERS):
// editing this file moves the address, and lp-locker.test.ts says so.
pragma solidity 0.8.26;

interface ILockedToken {
    function transferFrom(address from, address to, uint256 amount) external returns (bool);
    function transfer(address to, uint256 amount) external returns (bool);
}

/// Locks tokens (LP tokens, typically) until a timestamp; only the locker's owner withdraws, and
/// only after that time.
contract LpTimeLock {
    struct Lock {
        address token;
        address owner;
        uint256 amount; // still held for the owner (0 once withdrawn)
        uint256 unlockTime; // seconds; withdrawable from this time on
    }

    Lock[] public locks;
    mapping(address => uint256[]) private _locksOfToken;

    event Locked(uint256 indexed id, address indexed token, address indexed owner, uint256 amount, uint256 unlockTime);
    event Withdrawn(uint256 indexed id, address indexed token, address indexed owner, uint256 amount);

    function lock(address token, uint256 amount, uint256 unlockTime) external returns (uint256 id) {
        require(amount > 0, "nothing to lock");
        require(unlockTime > block.timestamp, "unlock time has passed");
        require(ILockedToken(token).transferFrom(msg.sender, address(this), amount), "transferFrom failed");
        id = locks.length;
        locks.push(Lock(token, msg.sender, amount, unlockTime));
        _locksOfToken[token].push(id);
        emit Locked(id, token, msg.sender, amount, unlockTime);
    }

    function withdraw(uint256 id) external {
        Lock storage l = locks[id];
        require(msg.sender == l.owner, "not the lock owner");
        require(block.timestamp >= l.unlockTime, "still locked");
        uint256 amount = l.amount;
        require(amount > 0, "already withdrawn");
        l.amount = 0;
        require(ILockedToken(l.token).transfer(msg.sender, amount), "transfer failed");
        emit Withdrawn(id, l.token, msg.sender, amount);
    }

    /// Tokens of `token` still locked at this block. An expired lock is withdrawable at will, so
    /// it is not counted, although the tokens stay here until the owner takes them.
    function lockedBalance(address token) external view returns (uint256 total) {
        uint256[] storage ids = _locksOfToken[token];
        for (uint256 i; i < ids.length; ++i) {
            Lock storage l = locks[ids[i]];
            if (l.unlockTime > block.timestamp) total += l.amount;
        }
    }

    function locksOf(address token) external view returns (uint256[] memory) {
        return _locksOfToken[token];
    }
}
