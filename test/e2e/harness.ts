/** End-to-end helpers: the isolated stack (@oca/testkit's startLocalStack) and small HTTP helpers. */
import { scrapeMetric, startLocalStack, type LocalStack } from '@oca/testkit';

export type Harness = LocalStack;
export const startHarness = (extraEnv: Record<string, string> = {}): Promise<Harness> => startLocalStack(extraEnv, 'e2e');

/** JSON over fetch with the status kept, for assertions. */
export async function api(
  base: string,
  method: string,
  path: string,
  options: { body?: unknown; token?: string; apiKey?: string; headers?: Record<string, string> } = {},
): Promise<{ status: number; body: any; headers: Headers }> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (options.apiKey) headers['x-api-key'] = options.apiKey;
  const res = await fetch(`${base}${path}`, { method, headers, body: options.body === undefined ? undefined : JSON.stringify(options.body) });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    // not JSON: keep the text so the assertion shows it
  }
  return { status: res.status, body, headers: res.headers };
}

/** A metric scraped from a service's /metrics (shared with the benchmarks). */
export const metricValue = scrapeMetric;
