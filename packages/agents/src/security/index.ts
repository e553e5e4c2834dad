// The security agent, for the registry (its GoPlus view is `toGoPlus` in @oca/contracts).
export { securityAgent } from './security.agent';
// What other agents may use of the security agent's reads (the portfolio's quick check per holding).
export { analyseCode } from './code-analysis';
export { readContract, resolveProxy } from './contract-read';
export { simulate } from './probe/security-probe';
export { tradingFromSimulation } from './trading';
