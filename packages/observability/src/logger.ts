import pino, { type Logger } from 'pino';
import { currentLogContext } from './log-context';

export type { Logger } from 'pino';

/**
 * Paths whose values never reach a log line. pino redacts by path, so each place a secret can
 * appear in a logged object is listed; callers must not interpolate secrets into messages.
 */
export const REDACT_PATHS = [
  'password',
  '*.password',
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
  'req.headers.authorization',
  'req.headers["x-api-key"]',
  'req.headers.cookie',
  'headers.authorization',
  'headers["x-api-key"]',
];

export interface LoggerOptions {
  service: string;
  /** @default 'info' */
  level?: string;
  /** Where lines go; defaults to stdout. Tests pass a stream to capture lines. */
  destination?: pino.DestinationStream;
}

/** JSON logger whose lines carry the current jobId/correlationId (see withLogContext). */
export function createLogger(options: LoggerOptions): Logger {
  return pino(
    {
      level: options.level ?? 'info',
      base: { service: options.service },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      mixin: () => ({ ...currentLogContext() }),
    },
    options.destination,
  );
}
