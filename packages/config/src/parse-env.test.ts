import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { ConfigError, envBool, envIntList, parseEnv } from './parse-env';

const schema = z.object({
  SECRET: z.string().min(4),
  FLAG: envBool(true),
  DELAYS: envIntList([1, 2]),
});

describe('parseEnv', () => {
  it('applies defaults and parses types', () => {
    expect(parseEnv(schema, { SECRET: 'abcd' })).toEqual({ SECRET: 'abcd', FLAG: true, DELAYS: [1, 2] });
    expect(parseEnv(schema, { SECRET: 'abcd', FLAG: 'no', DELAYS: '5, 10' })).toMatchObject({ FLAG: false, DELAYS: [5, 10] });
  });

  it('reads NAME_FILE and strips the trailing newline', () => {
    const dir = mkdtempSync(join(tmpdir(), 'oca-config-'));
    writeFileSync(join(dir, 'secret'), 's3cret-from-file\n');
    expect(parseEnv(schema, { SECRET_FILE: join(dir, 'secret') }).SECRET).toBe('s3cret-from-file');
  });

  it('reports every invalid variable by name without its value', () => {
    let error: unknown;
    try {
      parseEnv(schema, { SECRET: 'xy', DELAYS: '1,-2', FLAG: 'maybe' });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const { issues, message } = error as ConfigError;
    expect(issues.map((i) => i.split(':')[0]).sort()).toEqual(['DELAYS', 'FLAG', 'SECRET']);
    expect(message).not.toContain('xy');
  });

  it('names an unreadable secret file', () => {
    expect(() => parseEnv(schema, { SECRET_FILE: '/nonexistent/secret' })).toThrow(/SECRET_FILE: cannot read/);
  });
});
