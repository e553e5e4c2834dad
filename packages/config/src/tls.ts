import { createPrivateKey, X509Certificate } from 'node:crypto';
import { z } from 'zod';
import type { SecretIssue } from './production';

const CERTIFICATE_BLOCK = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

/** One or more X.509 certificates in PEM (a CA bundle or a certificate chain). */
export const pemCertificates = z.string().refine(
  (pem) => {
    const blocks = pem.match(CERTIFICATE_BLOCK);
    if (!blocks) return false;
    try {
      for (const block of blocks) new X509Certificate(block);
      return true;
    } catch {
      return false;
    }
  },
  { error: 'expected one or more PEM certificates' },
);

/** A private key in PEM (PKCS8, PKCS1 or SEC1), unencrypted. */
export const pemPrivateKey = z.string().refine(
  (pem) => {
    try {
      createPrivateKey({ key: pem, format: 'pem' });
      return true;
    } catch {
      return false;
    }
  },
  { error: 'expected an unencrypted PEM private key' },
);

/** PostgreSQL transport security, as libpq names the modes. */
export const DATABASE_SSL_MODES = ['disable', 'require', 'verify-full'] as const;
export type DatabaseSslMode = (typeof DATABASE_SSL_MODES)[number];

/** CA, client certificate and key for a TLS client; each is PEM text (files come via `<NAME>_FILE`). */
export interface TlsMaterial {
  ca?: string;
  cert?: string;
  key?: string;
}

type Env = Record<string, unknown>;
const str = (env: Env, name: string): string | undefined => (typeof env[name] === 'string' ? (env[name] as string) : undefined);
const protocolOf = (url: string | undefined): string | undefined => {
  try {
    return url === undefined ? undefined : new URL(url).protocol;
  } catch {
    return undefined;
  }
};

/**
 * TLS settings that contradict each other — the kind of mistake that leaves a connection in
 * plain text while its operator believes otherwise. Checked in every mode, not only production.
 */
export function tlsSettingsIssues(env: Env): SecretIssue[] {
  const issues: SecretIssue[] = [];
  const pairs: [string, string][] = [
    ['GATEWAY_TLS_CERT', 'GATEWAY_TLS_KEY'],
    ['REDIS_TLS_CERT', 'REDIS_TLS_KEY'],
    ['AMQP_TLS_CERT', 'AMQP_TLS_KEY'],
  ];
  for (const [cert, key] of pairs) {
    if (str(env, cert) && !str(env, key)) issues.push({ variable: key, message: `required when ${cert} is set` });
    if (str(env, key) && !str(env, cert)) issues.push({ variable: cert, message: `required when ${key} is set` });
  }
  if (str(env, 'GATEWAY_TLS_CA') && !str(env, 'GATEWAY_TLS_CERT')) {
    issues.push({ variable: 'GATEWAY_TLS_CA', message: 'client certificates need HTTPS: set GATEWAY_TLS_CERT and GATEWAY_TLS_KEY too' });
  }
  for (const [prefix, url, secure] of [
    ['REDIS_TLS', 'REDIS_URL', 'rediss:'],
    ['AMQP_TLS', 'AMQP_URL', 'amqps:'],
  ] as const) {
    const set = ['CA', 'CERT', 'KEY'].map((part) => `${prefix}_${part}`).filter((name) => str(env, name));
    const protocol = protocolOf(str(env, url));
    if (set.length > 0 && protocol !== undefined && protocol !== secure) {
      issues.push({ variable: set[0]!, message: `set, but ${url} is not a ${secure}// URL, so the connection would not use TLS` });
    }
  }
  if (str(env, 'DATABASE_SSL_CA') && env.DATABASE_SSL === 'disable') {
    issues.push({ variable: 'DATABASE_SSL_CA', message: 'set, but DATABASE_SSL is disable' });
  }
  const databaseUrl = str(env, 'DATABASE_URL');
  if (databaseUrl) {
    try {
      const params = [...new URL(databaseUrl).searchParams.keys()];
      const sslParam = params.find((p) => /^(ssl|sslmode|sslrootcert|sslcert|sslkey|sslnegotiation)$/i.test(p));
      // pg lets the URL override the pool's ssl option, so two places would decide; keep one.
      if (sslParam) issues.push({ variable: 'DATABASE_URL', message: `has a "${sslParam}" parameter; set TLS with DATABASE_SSL and DATABASE_SSL_CA instead` });
    } catch {
      // an invalid URL is the production rules' (or the driver's) to report
    }
  }
  return issues;
}

/** `superRefine` callback: reports tlsSettingsIssues. */
export function refineTlsSettings(env: Env, ctx: z.RefinementCtx): void {
  for (const { variable, message } of tlsSettingsIssues(env)) ctx.addIssue({ code: 'custom', path: [variable], message });
}

/**
 * ioredis options for REDIS_URL: a `rediss://` URL gets a TLS socket trusting REDIS_TLS_CA (or the
 * system CAs) and presenting REDIS_TLS_CERT/KEY when set. Spread into the client's options.
 */
export function redisTlsOptions(env: { REDIS_URL: string; REDIS_TLS_CA?: string; REDIS_TLS_CERT?: string; REDIS_TLS_KEY?: string }): { tls?: TlsMaterial } {
  if (protocolOf(env.REDIS_URL) !== 'rediss:') return {};
  return { tls: material(env.REDIS_TLS_CA, env.REDIS_TLS_CERT, env.REDIS_TLS_KEY) };
}

/** TLS material for an `amqps://` AMQP_URL (undefined for amqp://). */
export function amqpTlsOptions(env: { AMQP_URL: string; AMQP_TLS_CA?: string; AMQP_TLS_CERT?: string; AMQP_TLS_KEY?: string }): TlsMaterial | undefined {
  if (protocolOf(env.AMQP_URL) !== 'amqps:') return undefined;
  return material(env.AMQP_TLS_CA, env.AMQP_TLS_CERT, env.AMQP_TLS_KEY);
}

function material(ca?: string, cert?: string, key?: string): TlsMaterial {
  return { ...(ca ? { ca } : {}), ...(cert ? { cert } : {}), ...(key ? { key } : {}) };
}
