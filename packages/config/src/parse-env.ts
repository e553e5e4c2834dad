import { readFileSync } from 'node:fs';
import { z } from 'zod';

export class ConfigError extends Error {
  constructor(public readonly issues: string[]) {
    super(`Invalid configuration:\n  - ${issues.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

/**
 * Parses `env` with an object schema whose keys are variable names. A variable `NAME` may
 * instead be given as `NAME_FILE` (a path, as Docker and Kubernetes mount secrets); the file's
 * content, trailing newline removed, is used. Every problem is reported at once, naming the
 * variable but never its value.
 */
export function parseEnv<S extends z.ZodObject>(
  schema: S,
  env: Record<string, string | undefined>,
): z.infer<S> {
  const input: Record<string, string | undefined> = {};
  const issues: string[] = [];
  for (const key of Object.keys(schema.shape)) {
    const file = env[`${key}_FILE`];
    if (file) {
      input[key] = readSecretFile(key, file, issues);
    } else {
      input[key] = env[key] === '' ? undefined : env[key];
    }
  }
  const parsed = schema.safeParse(input);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) issues.push(`${issue.path.join('.')}: ${issue.message}`);
  }
  if (issues.length > 0) throw new ConfigError(issues);
  return parsed.data as z.infer<S>;
}

function readSecretFile(key: string, file: string, issues: string[]): string | undefined {
  try {
    return readFileSync(file, 'utf8').replace(/\r?\n$/, '');
  } catch (err) {
    // The path is configuration, not a secret; the content never appears.
    issues.push(`${key}_FILE: cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
    return undefined;
  }
}

/**
 * `<NAME>_FILE` for variables a schema does not list by name (e.g. `RPC_URL_<NETWORK>`, whose
 * URLs often carry a provider's API key): returns a copy of `env` where every `<NAME>_FILE` whose
 * NAME matches `pattern` has been read into NAME. Throws a ConfigError naming unreadable files.
 */
export function resolveSecretFiles(env: Record<string, string | undefined>, pattern: RegExp): Record<string, string | undefined> {
  const out = { ...env };
  const issues: string[] = [];
  for (const [name, file] of Object.entries(env)) {
    if (!name.endsWith('_FILE') || !file) continue;
    const key = name.slice(0, -'_FILE'.length);
    if (pattern.test(key)) out[key] = readSecretFile(key, file, issues);
  }
  if (issues.length > 0) throw new ConfigError(issues);
  return out;
}

/** "true"/"1"/"yes" → true, "false"/"0"/"no" → false. */
export const envBool = (defaultValue: boolean) =>
  z
    .enum(['true', 'false', '1', '0', 'yes', 'no'])
    .default(defaultValue ? 'true' : 'false')
    .transform((v) => v === 'true' || v === '1' || v === 'yes');

export const envInt = (defaultValue: number, min = 0, max = Number.MAX_SAFE_INTEGER) =>
  z.coerce.number().int().min(min).max(max).default(defaultValue);

/** Comma-separated list of integers, e.g. retry delays in ms. */
export const envIntList = (defaultValue: number[]) =>
  z
    .string()
    .default(defaultValue.join(','))
    .transform((v, ctx) => {
      const values = v.split(',').map((s) => Number(s.trim()));
      if (values.some((n) => !Number.isInteger(n) || n < 0)) {
        ctx.addIssue({ code: 'custom', message: 'expected comma-separated non-negative integers' });
        return z.NEVER;
      }
      return values;
    });
