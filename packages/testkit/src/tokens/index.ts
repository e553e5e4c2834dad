// Scenario for the token-intelligence agents; see README in this folder when filled.
export {};
