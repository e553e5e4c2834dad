export * from './topology';
export * from './common';
export * from './agents';
export * from './messages';
export * from './api';
export * from './auth-rpc';
export * from './redis-keys';
