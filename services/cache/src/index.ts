export { createCacheApp, type CacheApp, type CacheAppConfig } from './app';
export { loadEnv, type CacheEnv } from './env';
