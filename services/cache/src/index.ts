export { createCacheApp, type CacheApp, type CacheAppOptions } from './app';
export { loadEnv, type CacheEnv } from './env';
