// The security agent and its GoPlus view, for the registry and the gateway's `?format=goplus`.
export { securityAgent } from './security.agent';
export { toGoPlus, toGoPlusTokenSecurity } from './goplus';
