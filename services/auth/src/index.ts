export { createAuthApp, MIGRATIONS_DIR, type AuthApp, type AuthAppConfig } from './app';
export { loadEnv, type AuthEnv } from './env';
