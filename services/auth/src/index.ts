export { createAuthApp, MIGRATIONS_DIR, type AuthApp, type AuthAppOptions } from './app';
export { loadEnv, type AuthEnv } from './env';
