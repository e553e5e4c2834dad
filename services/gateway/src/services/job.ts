import type { JobCache, JobError, JobStatus, Role } from '@oca/contracts';

/** A job as the gateway's domain sees it (the store maps its rows to this; nothing else sees SQL rows). */
export interface Job {
  id: string;
  userId: string;
  agent: string;
  params: unknown;
  priority: number;
  status: JobStatus;
  result: unknown;
  error: JobError | null;
  webhookUrl: string | null;
  correlationId: string;
  idempotencyKey: string | null;
  /** sha256 of the canonical request, kept only for submissions with an Idempotency-Key */
  requestHash: string | null;
  createdAt: Date;
  /** When the broker confirmed the job's message; null while an idempotent submission is in flight */
  enqueuedAt: Date | null;
  startedAt: Date | null;
  finishedAt: Date | null;
  /** How the result cache answered it; null for jobs from before the cache */
  cache: JobCache | null;
  /** A follower's leader: the identical job whose outcome it takes (request coalescing) */
  leaderJobId: string | null;
  /** The owner's plan (role) when it was submitted; null for jobs from before plans were kept */
  plan: Role | null;
}

/** A job in a terminal state: nothing changes it any more. */
export type FinishedJob = Job & { status: 'succeeded' | 'failed' | 'canceled' };
