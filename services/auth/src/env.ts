import { createPrivateKey } from 'node:crypto';
import { commonEnv, databaseEnv, envBool, envInt, evenWithFieldIssues, parseEnv, refineServiceEnv } from '@oca/config';
import { z } from 'zod';

/** An Ed25519 private key in PKCS8 PEM; the issue never quotes the value. */
const Ed25519PrivateKeyPem = z.string().refine(
  (pem) => {
    try {
      return createPrivateKey({ key: pem, format: 'pem' }).asymmetricKeyType === 'ed25519';
    } catch {
      return false;
    }
  },
  { error: 'expected an Ed25519 private key in PKCS8 PEM' },
);

const Env = z
  .object({
    ...commonEnv,
    ...databaseEnv,
    /** Port of /health, /ready and /metrics for operators */
    AUTH_METRICS_PORT: envInt(9103, 0, 65535),
    /** When false, `register` answers registration_closed (accounts are then created by operators) */
    AUTH_OPEN_REGISTRATION: envBool(true),
    /**
     * Ed25519 private key (PKCS8 PEM) that signs access tokens; usually mounted as a file via
     * AUTH_SIGNING_KEY_FILE. Only auth holds it: everyone else verifies with the JWKS. Outside
     * production an ephemeral key is generated when absent (tokens die with the process);
     * production refuses to start without one.
     */
    AUTH_SIGNING_KEY: Ed25519PrivateKeyPem.optional(),
    /** `kid` header of issued tokens and of the JWKS entry; default: the key's RFC 7638 thumbprint */
    AUTH_SIGNING_KEY_ID: z.string().min(1).max(128).optional(),
    /**
     * The key AUTH_SIGNING_KEY replaced, during a rotation (PKCS8 PEM, usually
     * AUTH_SIGNING_KEY_PREVIOUS_FILE). Published in the JWKS but never used to sign, so tokens
     * issued before the rotation verify until they expire. Remove it one access-token lifetime
     * after the rotation.
     */
    AUTH_SIGNING_KEY_PREVIOUS: Ed25519PrivateKeyPem.optional(),
    /** `kid` of the previous key; default: its RFC 7638 thumbprint */
    AUTH_SIGNING_KEY_PREVIOUS_ID: z.string().min(1).max(128).optional(),
    /** Access-token lifetime in seconds: short, since a token cannot be revoked before it expires */
    AUTH_ACCESS_TOKEN_TTL_SECONDS: envInt(900, 30, 24 * 3600),
    /** Refresh-token lifetime in seconds (each refresh issues a new token with a fresh lifetime) */
    AUTH_REFRESH_TOKEN_TTL_SECONDS: envInt(30 * 24 * 3600, 60, 365 * 24 * 3600),
    /**
     * First segment of every API key (`<prefix>_<8 base62>_<secret>`), so leaked keys are easy to
     * grep for. Lower-case letters and digits only: `_` separates the segments.
     */
    AUTH_API_KEY_PREFIX: z
      .string()
      .regex(/^[a-z][a-z0-9]{0,15}$/, { error: 'expected 1-16 lower-case letters or digits, starting with a letter' })
      .default('oca'),
  })
  .superRefine((env, ctx) => {
    refineServiceEnv(env, ctx);
    if (env.NODE_ENV === 'production' && !env.AUTH_SIGNING_KEY) {
      ctx.addIssue({
        code: 'custom',
        path: ['AUTH_SIGNING_KEY'],
        message: 'required in production (or AUTH_SIGNING_KEY_FILE); an ephemeral key would log everyone out on restart',
      });
    }
  }, evenWithFieldIssues);

export type AuthEnv = z.infer<typeof Env>;

export function loadEnv(env: Record<string, string | undefined> = process.env): AuthEnv {
  return parseEnv(Env, env);
}
