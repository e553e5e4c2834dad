export { createAnalyticsApp, MIGRATIONS_DIR, type AnalyticsApp, type AnalyticsAppConfig } from './app';
export { loadEnv, type AnalyticsEnv } from './env';
