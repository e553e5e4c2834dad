export * from './parse-env';
export * from './fragments';
