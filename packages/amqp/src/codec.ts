import { EXCHANGES, HEADERS, MESSAGE_CATALOG } from '@oca/contracts';
import type { Options } from 'amqplib';
import type { z } from 'zod';
import type { Envelope } from './envelope';
import { MessageValidationError } from './errors';
import type { PublishOptions } from './options';

const KNOWN_EXCHANGES: ReadonlySet<string> = new Set(Object.values(EXCHANGES));

/**
 * Publishing to a missing exchange makes the broker close the channel, and amqp-connection-manager
 * would resend the message after every reconnect: refuse anything but the declared exchanges.
 */
export function assertKnownExchange(exchange: string): void {
  if (!KNOWN_EXCHANGES.has(exchange)) {
    throw new Error(`unknown exchange "${exchange}": publish to an EXCHANGES value from @oca/contracts`);
  }
}

/** Validates with MESSAGE_CATALOG[message.type] and serialises; the producer side of "validated on both sides". */
export function encode(message: Envelope): Buffer {
  const schema = (MESSAGE_CATALOG as Record<string, z.ZodType | undefined>)[message.type];
  if (!schema) throw new MessageValidationError(String(message.type), [{ message: 'unknown message type' }]);
  const result = schema.safeParse(message);
  if (!result.success) throw new MessageValidationError(message.type, result.error.issues);
  return Buffer.from(JSON.stringify(message));
}

/**
 * AMQP properties of an envelope: persistent, id and type from the envelope, and the correlation and
 * job headers that let logs follow a job across queues (they always win over caller headers).
 */
export function propertiesFor(message: Envelope, options: PublishOptions = {}): Options.Publish {
  const headers: Record<string, unknown> = { ...options.headers, [HEADERS.correlationId]: message.correlationId };
  if (message.jobId) headers[HEADERS.jobId] = message.jobId;
  else delete headers[HEADERS.jobId];
  const properties: Options.Publish = {
    persistent: true,
    messageId: message.id,
    type: message.type,
    contentType: 'application/json',
    correlationId: message.correlationId,
    timestamp: Math.floor(Date.parse(message.createdAt) / 1000),
    headers,
  };
  if (options.priority !== undefined) properties.priority = options.priority;
  if (options.expiration !== undefined) properties.expiration = options.expiration;
  return properties;
}
