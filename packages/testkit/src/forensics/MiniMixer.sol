// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

/// A mixer-like pool for the devnet forensics scenario: fixed 1 ETH deposits under a commitment,
/// paid out to any recipient by whoever knows the secret (a relayer, as with Tornado Cash). No
/// zero-knowledge proof: the point is the on-chain shape (many in, unlinked out), not privacy.
contract MiniMixer {
    uint256 public constant DENOMINATION = 1 ether;
    mapping(bytes32 => bool) public commitments;

    event Deposit(bytes32 indexed commitment);
    event Withdrawal(address to, bytes32 commitment);

    function deposit(bytes32 commitment) external payable {
        require(msg.value == DENOMINATION, "1 ETH only");
        require(!commitments[commitment], "used");
        commitments[commitment] = true;
        emit Deposit(commitment);
    }

    function withdraw(bytes32 secret, address payable to) external {
        bytes32 commitment = keccak256(abi.encode(secret));
        require(commitments[commitment], "unknown note");
        delete commitments[commitment];
        (bool ok, ) = to.call{value: DENOMINATION}("");
        require(ok, "payout failed");
        emit Withdrawal(to, commitment);
    }
}
