/** Variables whose whole value is a secret (private keys). */
const SECRET_VARIABLES = ['AUTH_SIGNING_KEY', 'AUTH_SIGNING_KEY_PREVIOUS', 'GATEWAY_TLS_KEY', 'REDIS_TLS_KEY', 'AMQP_TLS_KEY'];
/** Variables holding one URL whose password is a secret. */
const URL_VARIABLES = ['AMQP_URL', 'DATABASE_URL', 'REDIS_URL'];
/** Path segments and query values at least this long in an RPC URL are taken for API keys. */
const MIN_URL_KEY_LENGTH = 16;

function passwordOf(url: string): string[] {
  try {
    const raw = new URL(url).password;
    return raw ? [raw, decodeURIComponent(raw)] : [];
  } catch {
    return [];
  }
}

/** A provider URL's credentials: its password and long path segments or query values (`/v2/<key>`, `?apikey=<key>`). */
function urlKeysOf(url: string): string[] {
  try {
    const parsed = new URL(url);
    const parts = [...parsed.pathname.split('/'), ...parsed.searchParams.values()];
    return [...passwordOf(url), ...parts.filter((part) => part.length >= MIN_URL_KEY_LENGTH)];
  } catch {
    return [];
  }
}

/**
 * The secret values in a service's parsed env (connection passwords, private keys, RPC API keys),
 * for createLogger's `secrets`: scrubbed from every log line wherever they appear.
 */
export function secretValues(
  env: Record<string, unknown> & { rpcUrls?: Partial<Record<string, string[]>>; explorers?: Partial<Record<string, { baseUrl: string; apiKey?: string }>> },
): string[] {
  const values: string[] = [];
  for (const name of SECRET_VARIABLES) if (typeof env[name] === 'string') values.push(env[name] as string);
  for (const name of URL_VARIABLES) if (typeof env[name] === 'string') values.push(...passwordOf(env[name] as string));
  for (const urls of Object.values(env.rpcUrls ?? {})) for (const url of urls ?? []) values.push(...urlKeysOf(url));
  // Explorer API keys (EXPLORER_API_KEY_<NETWORK>) travel in the query string, whatever their length.
  for (const explorer of Object.values(env.explorers ?? {})) if (explorer) values.push(...urlKeysOf(explorer.baseUrl), explorer.apiKey ?? '');
  return [...new Set(values.filter((v) => v.length > 0))];
}
