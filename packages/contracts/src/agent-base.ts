import { z } from 'zod';
import { Network, Severity } from './common';

export const Finding = z.object({
  severity: Severity,
  title: z.string(),
  evidence: z.string(),
});
export type Finding = z.infer<typeof Finding>;

/** Fields every agent result carries (ARCHITECTURE.md, "Agents"). */
export const AgentResultBase = z.object({
  agent: z.string(),
  network: Network,
  target: z.string(),
  /** Decimal string: the block every figure was read at. */
  blockNumber: z.string(),
  generatedAt: z.iso.datetime(),
  summary: z.string(),
  findings: z.array(Finding),
});
