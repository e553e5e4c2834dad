import { ConfigError } from './parse-env';
import { loadMigrationEnv } from './migration-env';

const URL_WITH_PASSWORD = 'postgres://oca:Mig-Pw-5d1e@db.internal:5432/oca';

describe('loadMigrationEnv', () => {
  it('reads only the database settings, so a production migration needs no broker or Redis secret', () => {
    const env = loadMigrationEnv({ NODE_ENV: 'production', DATABASE_URL: URL_WITH_PASSWORD, DATABASE_SSL: 'require' });
    expect(env).toEqual({ NODE_ENV: 'production', LOG_LEVEL: 'info', DATABASE_URL: URL_WITH_PASSWORD, DATABASE_POOL_MAX: 10, DATABASE_SSL: 'require' });
  });

  it('applies the production rule to DATABASE_URL without quoting it', () => {
    let error: unknown;
    try {
      loadMigrationEnv({ NODE_ENV: 'production', DATABASE_URL: 'postgres://postgres:postgres@db/oca' });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).issues).toEqual([expect.stringMatching(/^DATABASE_URL: .*development default/)]);
    expect((error as ConfigError).message).not.toContain('postgres:postgres');
  });

  it('runs on the development default outside production', () => {
    expect(loadMigrationEnv({}).DATABASE_URL).toBe('postgres://postgres@127.0.0.1:5432/oca');
  });
});
