import { isAgentName, TERMINAL_STATUSES, type AgentName, type Principal } from '@oca/contracts';
import type { z } from 'zod';
import type { RouteDeps } from '../routes/route-deps';
import { jobLinks, type JobRow } from '../services/job-row';
import type { AnalyzeBody, AnalyzeDone, AnalyzePending, Depth } from '../schemas/seed.schemas';

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
  /** Aborted when the client hangs up: the wait ends (the jobs keep running). */
  signal: AbortSignal;
}

type AnalyzeDeps = Pick<RouteDeps, 'jobs' | 'activeJobs' | 'analyzeWaits' | 'analyzeWaitSeconds'>;

/**
 * `POST /api/analyze`: one job per agent of the depth (every agent takes `{network, address}`),
 * then a bounded wait for all of them. Each job is an ordinary v1 job of the caller's, so it is
 * listed, polled and limited like any other.
 */
export async function analyze(deps: AnalyzeDeps, input: AnalyzeInput): Promise<AnalyzeOutcome> {
  const { principal, body } = input;
  const agents = agentsFor(body.depth);
  const releaseJobs = await deps.activeJobs.reserve(principal, agents.length);
  const rows = await Promise.all(
    agents.map(async (agent) => {
      try {
        return (
          await deps.jobs.submit({
            principal,
            body: { agent, params: { network: body.network, address: body.target } },
            correlationId: input.correlationId,
          })
        ).row;
      } catch (err) {
        await releaseJobs(1);
        throw err;
      }
    }),
  );

  // Past the per-user cap of waiting calls, answer 202 at once rather than refuse: the jobs are queued.
  const waitSeconds = deps.analyzeWaitSeconds;
  const release = waitSeconds > 0 ? await deps.analyzeWaits.acquire(principal.userId, (waitSeconds + 5) * 1000) : undefined;
  let finished: JobRow[] = rows;
  try {
    if (release) finished = await Promise.all(rows.map((row) => deps.jobs.get(row.id, principal, waitSeconds, input.signal)));
  } finally {
    await release?.();
  }

  const common = { target: body.target, network: body.network, depth: body.depth };
  if (!finished.every((row) => TERMINAL_STATUSES.includes(row.status))) {
    return {
      done: false,
      body: { ...common, status: 'pending', jobs: finished.map((row) => ({ id: row.id, agent: row.agent, status: row.status, links: jobLinks(row.id) })) },
    };
  }
  const results: Record<string, unknown> = {};
  for (const row of finished) if (row.status === 'succeeded') results[row.agent] = row.result;
  const succeeded = Object.keys(results).length;
  return {
    done: true,
    body: {
      ...common,
      status: succeeded === finished.length ? 'succeeded' : succeeded === 0 ? 'failed' : 'partial',
      results,
      jobs: finished.map((row) => ({ id: row.id, agent: row.agent, status: row.status, error: row.error, links: jobLinks(row.id) })),
    },
  };
}
