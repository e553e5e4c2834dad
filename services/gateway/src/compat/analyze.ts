import { isAgentName, TERMINAL_STATUSES, type AgentName, type Principal } from '@oca/contracts';
import type { z } from 'zod';
import type { RouteDeps } from '../routes/route-deps';
import type { Job } from '../services/job';
import { jobLinks } from '../services/job-view';
import type { AnalyzeBody, AnalyzeDone, AnalyzePending, Depth } from '../schemas/compat.schemas';

/**
 * The agents each depth asks for, in the seed's spirit (quick → what is it; standard → is it
 * safe; deep → how does it trade). Only agents in the catalog run, so `security` and `market`
 * join as soon as they are registered — nothing here changes.
 */
export const DEPTH_AGENTS: Readonly<Record<Depth, readonly string[]>> = {
  quick: ['address'],
  standard: ['address', 'security'],
  deep: ['address', 'security', 'market'],
};

export function agentsFor(depth: Depth): AgentName[] {
  return DEPTH_AGENTS[depth].filter(isAgentName);
}

export type AnalyzeOutcome =
  | { done: true; body: z.infer<typeof AnalyzeDone> }
  | { done: false; body: z.infer<typeof AnalyzePending> };

export interface AnalyzeInput {
  principal: Principal;
  body: AnalyzeBody;
  correlationId: string;
  /** Called when the call starts to wait for its jobs (it then holds, not works: load shedding stops counting it). */
  onWait?: () => void;
  /** Aborted when the client hangs up: the wait ends (the jobs keep running). */
  signal: AbortSignal;
  /** `Cache-Control: no-cache`: every agent runs, whatever the result cache holds */
  bypassCache?: boolean;
}

type AnalyzeDeps = Pick<RouteDeps, 'jobs' | 'analyzeWaits' | 'analyzeWaitSeconds'>;

/**
 * `POST /api/analyze`: one job per agent of the depth (every agent takes `{network, address}`),
 * then a bounded wait for all of them. Each job is an ordinary v1 job of the caller's, so it is
 * listed, polled and limited like any other.
 */
export async function analyze(deps: AnalyzeDeps, input: AnalyzeInput): Promise<AnalyzeOutcome> {
  const { principal, body } = input;
  const agents = agentsFor(body.depth);
  const jobs = await deps.jobs.submitAll(
    principal,
    agents.map((agent) => ({ agent, params: { network: body.network, address: body.target } })),
    input.correlationId,
    { bypassCache: input.bypassCache },
  );

  // Past the per-user cap of waiting calls, answer 202 at once rather than refuse: the jobs are queued.
  const waitSeconds = deps.analyzeWaitSeconds;
  const release = waitSeconds > 0 ? await deps.analyzeWaits.acquire(principal.userId, (waitSeconds + 5) * 1000) : undefined;
  let finished: Job[] = jobs;
  try {
    if (release) input.onWait?.();
    if (release) finished = await Promise.all(jobs.map((job) => deps.jobs.get(job.id, principal, waitSeconds, input.signal)));
  } finally {
    await release?.();
  }

  const common = { target: body.target, network: body.network, depth: body.depth };
  if (!finished.every((job) => TERMINAL_STATUSES.includes(job.status))) {
    return {
      done: false,
      body: { ...common, status: 'pending', jobs: finished.map((job) => ({ id: job.id, agent: job.agent, status: job.status, links: jobLinks(job.id) })) },
    };
  }
  const results: Record<string, unknown> = {};
  for (const job of finished) if (job.status === 'succeeded') results[job.agent] = job.result;
  const succeeded = Object.keys(results).length;
  return {
    done: true,
    body: {
      ...common,
      status: succeeded === finished.length ? 'succeeded' : succeeded === 0 ? 'failed' : 'partial',
      results,
      jobs: finished.map((job) => ({ id: job.id, agent: job.agent, status: job.status, error: job.error, links: jobLinks(job.id) })),
    },
  };
}
