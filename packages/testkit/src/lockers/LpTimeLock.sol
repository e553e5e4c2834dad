// SPDX-License-Identifier: MIT
// The devnet's LP locker: a minimal time-lock in the manner of UNCX or Team Finance. Its creation
// code decides its CREATE2 address, which @oca/chain lists as the devnet's locker (LP_LOCKERS):
// editing this file moves the address, and lp-locker.test.ts says so.
pragma solidity 0.8.26;

interface ILockedToken {
    function transferFrom(address from, address to, uint256 amount) external returns (bool);
    function transfer(address to, uint256 amount) external returns (bool);
}

interface ILockedNft {
    function transferFrom(address from, address to, uint256 tokenId) external;
}

/// Locks tokens (LP tokens, typically) until a timestamp; only the locker's owner withdraws, and
/// only after that time. ERC-721 positions (Uniswap V3 position-manager NFTs) are locked the same
/// way, one token id per lock.
contract LpTimeLock {
    struct Lock {
        address token;
        address owner;
        uint256 amount; // still held for the owner (0 once withdrawn)
        uint256 unlockTime; // seconds; withdrawable from this time on
    }

    struct NftLock {
        address nft;
        uint256 tokenId;
        address owner;
        uint256 unlockTime; // seconds; withdrawable from this time on
        bool withdrawn;
    }

    Lock[] public locks;
    mapping(address => uint256[]) private _locksOfToken;
    NftLock[] public nftLocks;
    /// Lock id + 1 of an NFT held here (0: not held).
    mapping(address => mapping(uint256 => uint256)) private _nftLockOf;

    event Locked(uint256 indexed id, address indexed token, address indexed owner, uint256 amount, uint256 unlockTime);
    event Withdrawn(uint256 indexed id, address indexed token, address indexed owner, uint256 amount);
    event NftLocked(uint256 indexed id, address indexed nft, uint256 indexed tokenId, address owner, uint256 unlockTime);
    event NftWithdrawn(uint256 indexed id, address indexed nft, uint256 indexed tokenId, address owner);

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

    /// Takes `tokenId` of `nft` (approved to this contract) until `unlockTime`.
    function lockNft(address nft, uint256 tokenId, uint256 unlockTime) external returns (uint256 id) {
        require(unlockTime > block.timestamp, "unlock time has passed");
        ILockedNft(nft).transferFrom(msg.sender, address(this), tokenId);
        id = nftLocks.length;
        nftLocks.push(NftLock(nft, tokenId, msg.sender, unlockTime, false));
        _nftLockOf[nft][tokenId] = id + 1;
        emit NftLocked(id, nft, tokenId, msg.sender, unlockTime);
    }

    function withdrawNft(uint256 id) external {
        NftLock storage l = nftLocks[id];
        require(msg.sender == l.owner, "not the lock owner");
        require(block.timestamp >= l.unlockTime, "still locked");
        require(!l.withdrawn, "already withdrawn");
        l.withdrawn = true;
        _nftLockOf[l.nft][l.tokenId] = 0;
        ILockedNft(l.nft).transferFrom(address(this), msg.sender, l.tokenId);
        emit NftWithdrawn(id, l.nft, l.tokenId, msg.sender);
    }

    /// Whether `tokenId` of `nft` is held here under a lock still running at this block. An expired
    /// lock is withdrawable at will, so it is not locked, although the NFT stays here until taken.
    function isNftLocked(address nft, uint256 tokenId) external view returns (bool) {
        uint256 idPlus1 = _nftLockOf[nft][tokenId];
        return idPlus1 != 0 && nftLocks[idPlus1 - 1].unlockTime > block.timestamp;
    }
}
