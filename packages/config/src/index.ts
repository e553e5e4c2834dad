export * from './parse-env';
export * from './fragments';
export * from './production';
export * from './tls';
export * from './secret-values';
export * from './migration-env';
