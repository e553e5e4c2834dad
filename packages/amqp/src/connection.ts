import type { Logger } from '@oca/observability';
import { AmqpConnectionManagerClass, type AmqpConnectionManager } from 'amqp-connection-manager';
import type { AmqpMetrics } from './metrics';
import type { BrokerOptions } from './options';
import { redactUrl, scrubSecret } from './redact';

/** The defaults behind BrokerOptions' `@default`s. */
export const BROKER_DEFAULTS = {
  heartbeatSeconds: 10,
  reconnectDelayMs: 2_000,
  connectTimeoutMs: 15_000,
  publishTimeoutMs: 15_000,
  rpcTimeoutMs: 5_000,
  closeDeadlineMs: 10_000,
} as const;

/** The one connection of a Broker: amqp-connection-manager reconnects it; RabbitMQ lists it by `connectionName`. */
export function createConnection(options: BrokerOptions): AmqpConnectionManager {
  return new AmqpConnectionManagerClass(
    [{ url: options.url, connectionOptions: { ...options.tls, clientProperties: { connection_name: options.connectionName } } }],
    {
      heartbeatIntervalInSeconds: options.heartbeatSeconds ?? BROKER_DEFAULTS.heartbeatSeconds,
      reconnectTimeInSeconds: (options.reconnectDelayMs ?? BROKER_DEFAULTS.reconnectDelayMs) / 1000,
    },
  );
}

export interface ConnectionWatchOptions {
  url: string;
  log: Logger;
  metrics: AmqpMetrics;
  /** While closing, a disconnect is expected and not worth a warning. */
  isClosing: () => boolean;
}

export interface ConnectionWatch {
  /** The last connect failure, password scrubbed: what a connect timeout reports. */
  lastError(): string;
}

/** Logs the connection's life (connected, reconnected, dropped, refused, blocked) and counts reconnects. */
export function watchConnection(connection: AmqpConnectionManager, options: ConnectionWatchOptions): ConnectionWatch {
  const { url, log, metrics, isClosing } = options;
  let connectedOnce = false;
  let lastError = 'no answer';
  connection.on('connect', () => {
    if (connectedOnce) {
      metrics.reconnected();
      log.info('amqp reconnected');
    } else {
      log.info({ broker: redactUrl(url) }, 'amqp connected');
    }
    connectedOnce = true;
  });
  connection.on('disconnect', ({ err }: { err?: Error }) => {
    if (isClosing()) return;
    log.warn({ err: err ? scrubSecret(err.message, url) : undefined }, 'amqp disconnected; reconnecting');
  });
  connection.on('connectFailed', ({ err }: { err: Error }) => {
    lastError = scrubSecret(err.message, url);
    log.warn({ err: lastError, broker: redactUrl(url) }, 'amqp connect failed; retrying');
  });
  connection.on('blocked', ({ reason }: { reason: string }) => log.warn({ reason }, 'amqp connection blocked by the broker (resource alarm)'));
  connection.on('unblocked', () => log.info('amqp connection unblocked'));
  return { lastError: () => lastError };
}

/**
 * Connects and waits for `ready` (the topology declared on the first channel). After `timeoutMs`
 * the connection is closed, so the manager stops retrying, and the error names the (redacted) URL
 * and the last cause.
 */
export async function connectWithin(
  connection: AmqpConnectionManager,
  ready: Promise<void>,
  options: { url: string; timeoutMs: number; watch: ConnectionWatch },
): Promise<void> {
  const { url, timeoutMs, watch } = options;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(watch.lastError())), timeoutMs);
  });
  try {
    // connect() rejects early only on ACCESS_REFUSED; otherwise the manager keeps retrying.
    await Promise.race([connection.connect().then(() => ready), ready, timeout]);
  } catch (err) {
    await connection.close().catch(() => undefined);
    const cause = scrubSecret((err as Error).message, url);
    throw new Error(`RabbitMQ at ${redactUrl(url)} not ready within ${timeoutMs} ms: ${cause}`);
  } finally {
    clearTimeout(timer);
  }
}
