// The security agent, for the registry (its GoPlus view is `toGoPlus` in @oca/contracts).
export { securityAgent } from './security.agent';
