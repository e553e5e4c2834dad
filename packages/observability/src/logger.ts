import pino, { type Logger } from 'pino';
import { currentLogContext } from './log-context';
import { scrubbingDestination } from './scrub';

export type { Logger } from 'pino';

/**
 * Paths whose values never reach a log line. pino redacts by path, so each place a secret can
 * appear in a logged object is listed; callers must not interpolate secrets into messages.
 * (Values known at startup — connection passwords, keys — are also scrubbed from whole lines:
 * LoggerOptions.secrets.)
 */
export const REDACT_PATHS = [
  'password',
  '*.password',
  'newPassword',
  '*.newPassword',
  'passwordHash',
  '*.passwordHash',
  'token',
  '*.token',
  'accessToken',
  '*.accessToken',
  'refreshToken',
  '*.refreshToken',
  'key',
  '*.key',
  'apiKey',
  '*.apiKey',
  'secret',
  '*.secret',
  'secrets',
  '*.secrets',
  'signingKey',
  '*.signingKey',
  'privateKey',
  '*.privateKey',
  'signature',
  '*.signature',
  'req.headers.authorization',
  'req.headers["proxy-authorization"]',
  'req.headers["x-api-key"]',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
  'headers.authorization',
  'headers["proxy-authorization"]',
  'headers["x-api-key"]',
  'headers.cookie',
  'headers["webhook-signature"]',
  '*.headers.authorization',
  '*.headers["x-api-key"]',
  '*.headers["webhook-signature"]',
];

export interface LoggerOptions {
  service: string;
  /** @default 'info' */
  level?: string;
  /** Where lines go; defaults to stdout. Tests pass a stream to capture lines. */
  destination?: pino.DestinationStream;
  /**
   * Secret values known at startup (connection passwords, private keys, RPC API keys): replaced by
   * `[redacted]` wherever they appear in a line, message text and error messages included — a
   * driver's error may quote its URL. See secretValues() in @oca/config. @default []
   */
  secrets?: readonly string[];
}

/** JSON logger whose lines carry the current jobId/correlationId (see withLogContext). */
export function createLogger(options: LoggerOptions): Logger {
  const destination = options.destination ?? pino.destination({ dest: 1, sync: true });
  return pino(
    {
      level: options.level ?? 'info',
      base: { service: options.service },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      mixin: () => ({ ...currentLogContext() }),
    },
    options.secrets && options.secrets.length > 0 ? scrubbingDestination(destination, options.secrets) : destination,
  );
}
