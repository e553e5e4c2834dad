import { z } from 'zod';

/**
 * Every message on the broker is a versioned envelope. Add optional fields to a payload; never
 * repurpose one. A breaking change is a new `v` literal handled side by side.
 */
export function envelope<T extends string, P extends z.ZodType>(type: T, payload: P) {
  return z.object({
    v: z.literal(1),
    type: z.literal(type),
    /** Unique message ID (uuid) — consumers use it for idempotency. */
    id: z.uuid(),
    jobId: z.uuid().nullable(),
    correlationId: z.string().min(1).max(128),
    createdAt: z.iso.datetime(),
    payload,
  });
}
