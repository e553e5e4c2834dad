/**
 * Helpers for the attack suite: a stack whose auth signing key the test holds (so it can mint
 * tokens that differ from real ones in exactly one claim), HTTP as a hostile client sends it,
 * token forgery, and what a leaked internal looks like.
 */
import { createHmac, createPublicKey, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startLocalStack, type LocalStack } from '@oca/testkit';

export interface AttackStack extends LocalStack {
  /** The private key auth signs access tokens with — held by the test to mint near-valid tokens. */
  signingKey: KeyObject;
}

/**
 * A stack behind a trusted "ingress": the gateway believes X-Forwarded-For from loopback, so
 * each test plays a distinct client IP and per-IP limits do not leak between tests.
 */
export async function startAttackStack(label: string, extraEnv: Record<string, string> = {}): Promise<AttackStack> {
  const { privateKey } = generateKeyPairSync('ed25519');
  const keyFile = path.join(mkdtempSync(path.join(tmpdir(), `oca-${label}-key-`)), 'signing-key.pem');
  writeFileSync(keyFile, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
  const stack = await startLocalStack({ AUTH_SIGNING_KEY_FILE: keyFile, GATEWAY_TRUST_PROXY: 'loopback', ...extraEnv }, label);
  return Object.assign(stack, { signingKey: privateKey });
}

let ipCounter = 0;
/** A fresh client IP (TEST-NET-2/3 and beyond) for one test's requests. */
export function clientIp(): string {
  ipCounter++;
  return `198.${18 + Math.floor(ipCounter / 65536)}.${Math.floor(ipCounter / 256) % 256}.${ipCounter % 256}`;
}

export interface CallOptions {
  body?: unknown;
  /** Sent as is (no JSON encoding) */
  raw?: string;
  token?: string;
  apiKey?: string;
  headers?: Record<string, string>;
  ip?: string;
}

export interface Answer {
  status: number;
  body: any;
  text: string;
  headers: Headers;
}

export async function call(base: string, method: string, urlPath: string, options: CallOptions = {}): Promise<Answer> {
  const headers: Record<string, string> = { 'x-forwarded-for': options.ip ?? clientIp(), ...options.headers };
  if (options.body !== undefined && !headers['content-type']) headers['content-type'] = 'application/json';
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (options.apiKey) headers['x-api-key'] = options.apiKey;
  const res = await fetch(`${base}${urlPath}`, {
    method,
    headers,
    body: options.raw ?? (options.body === undefined ? undefined : JSON.stringify(options.body)),
  });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    // not JSON: keep the text
  }
  return { status: res.status, body, text, headers: res.headers };
}

export interface TestUser {
  email: string;
  password: string;
  userId: string;
  token: string;
  refreshToken: string;
  apiKey: string;
  apiKeyId: string;
}

let userCounter = 0;
export async function newUser(base: string, label: string): Promise<TestUser> {
  const email = `${label}-${Date.now()}-${++userCounter}@example.com`;
  const password = 'correct horse battery staple';
  const ip = clientIp();
  const reg = await call(base, 'POST', '/v1/auth/register', { body: { email, password }, ip });
  if (reg.status !== 201) throw new Error(`register ${reg.status} ${reg.text}`);
  const login = await call(base, 'POST', '/v1/auth/login', { body: { email, password }, ip });
  if (login.status !== 200) throw new Error(`login ${login.status} ${login.text}`);
  const key = await call(base, 'POST', '/v1/api-keys', { token: login.body.accessToken, body: { name: 'attack-suite' } });
  if (key.status !== 201) throw new Error(`api key ${key.status} ${key.text}`);
  return { email, password, userId: reg.body.id, token: login.body.accessToken, refreshToken: login.body.refreshToken, apiKey: key.body.key, apiKeyId: key.body.id };
}

const b64url = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');

/** A JWT with any header and claims, signed EdDSA with `key`. */
export function signEdDsa(key: KeyObject, header: Record<string, unknown>, claims: Record<string, unknown>): string {
  const input = `${b64url({ alg: 'EdDSA', typ: 'JWT', ...header })}.${b64url(claims)}`;
  return `${input}.${sign(null, Buffer.from(input), key).toString('base64url')}`;
}

/** A JWT signed HS256 with `secret` (algorithm confusion when the secret is the public key). */
export function signHs256(secret: string | Buffer, header: Record<string, unknown>, claims: Record<string, unknown>): string {
  const input = `${b64url({ alg: 'HS256', typ: 'JWT', ...header })}.${b64url(claims)}`;
  return `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`;
}

export function decodeJwt(token: string): { header: Record<string, unknown>; claims: Record<string, unknown> } {
  const [h, p] = token.split('.');
  return { header: JSON.parse(Buffer.from(h!, 'base64url').toString()), claims: JSON.parse(Buffer.from(p!, 'base64url').toString()) };
}

export function publicKeyForms(key: KeyObject): { pem: string; jwkX: string } {
  const pub = createPublicKey(key);
  return { pem: pub.export({ type: 'spki', format: 'pem' }).toString(), jwkX: String(pub.export({ format: 'jwk' }).x) };
}

/**
 * What must never appear in an answer: stack frames, source paths, SQL and driver errors,
 * connection strings, internal hostnames.
 */
export const LEAK =
  /\bat [\w$.<>]+ \(|\bat (async )?[\w$.]+ \[as |node_modules|\/work\/|\/home\/|\.ts:\d+|\.js:\d+:\d+|\bSELECT\b.*\bFROM\b|\bINSERT INTO\b|syntax error at or near|relation "|violates .* constraint|ECONNREFUSED|ETIMEDOUT|postgres(ql)?:\/\/|amqp:\/\/|redis:\/\/|"stack"|TypeError|ReferenceError|RangeError|ZodError/i;

export const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
