export * from './log-context';
export * from './http-log';
export * from './logger';
export * from './scrub';
export * from './metrics';
export * from './ops-server';
export * from './shutdown';
