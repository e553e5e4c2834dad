import { randomUUID } from 'node:crypto';
import type { Message, MessageType } from '@oca/contracts';

/** The envelope every message on the broker shares; `payload` is checked by MESSAGE_CATALOG[type]. */
export type Envelope = {
  v: 1;
  type: MessageType;
  id: string;
  jobId: string | null;
  correlationId: string;
  createdAt: string;
  payload: unknown;
};

export interface EnvelopeIds {
  /** The job this message concerns, or null (RPC, system messages). */
  jobId: string | null;
  /** Follows one request across services; carried in logs and headers. */
  correlationId: string;
}

/** Builds a v1 envelope with a fresh uuid `id` and an ISO `createdAt`. */
export function newEnvelope<T extends MessageType>(
  type: T,
  payload: Message<T>['payload'],
  { jobId, correlationId }: EnvelopeIds,
): Message<T> {
  return {
    v: 1,
    type,
    id: randomUUID(),
    jobId,
    correlationId,
    createdAt: new Date().toISOString(),
    payload,
  } as Message<T>;
}
