/**
 * The seed-compatible routes (`POST /auth/login`, `POST /api/analyze`, `GET /api/status`): the
 * shapes the seed document's clients and E2E test read. Gateway-local, since they exist only for
 * compatibility; the v1 contracts stay the product's API.
 */
import { Address, JobError, JobStatus, Network, Role, TokenPair } from '@oca/contracts';
import { z } from 'zod';
import { JobRef } from './responses';

export const DEPTHS = ['quick', 'standard', 'deep'] as const;
export const Depth = z.enum(DEPTHS);
export type Depth = z.infer<typeof Depth>;

export const AnalyzeBody = z.strictObject({
  /** The address to analyse; a malformed one answers 400 "…Invalid address…". */
  target: Address,
  network: Network,
  /**
   * Which agents run: quick = address; standard adds security; deep adds market (those that exist).
   * Quick by default: a bare request (the seed's clients send none) gets the fastest answer.
   */
  depth: Depth.default('quick'),
});
export type AnalyzeBody = z.infer<typeof AnalyzeBody>;

const AnalyzeJob = JobRef.extend({ error: JobError.nullable() });

/** 200: every job finished within the wait. `results` maps agent → its result (absent when it failed). */
export const AnalyzeDone = z.object({
  target: z.string(),
  network: Network,
  depth: Depth,
  status: z.enum(['succeeded', 'partial', 'failed']),
  results: z.record(z.string(), z.unknown()),
  jobs: z.array(AnalyzeJob),
});

/** 202: still running after the wait; poll each job's `links.self`. */
export const AnalyzePending = z.object({
  target: z.string(),
  network: Network,
  depth: Depth,
  status: z.literal('pending'),
  jobs: z.array(JobRef.extend({ status: JobStatus })),
});

export const StatusResponse = z.object({
  status: z.literal('ok'),
  time: z.iso.datetime(),
  agents: z.array(z.string()),
  networks: z.array(Network),
  /** Present when the request carried credentials */
  user: z.object({ id: z.uuid(), role: Role }).optional(),
});

/** The seed's login answer: the v1 token pair plus `token` (= accessToken), which the seed's clients read. */
export const CompatLoginResponse = TokenPair.extend({ token: z.string() });

/** Seed clients read `error` as a string (`expect(body.error).toContain('Invalid address')`). */
export const CompatErrorBody = z.object({ error: z.string(), code: z.string(), details: z.unknown().optional() });
export const compatErrorResponses = { '4xx': CompatErrorBody, '5xx': CompatErrorBody } as const;
