import type { Finding, Severity } from '@oca/contracts';
import type { SecurityVerdict } from './schemas';

/** Points a finding of each severity takes off 100. */
export const SEVERITY_PENALTY: Readonly<Record<Severity, number>> = { critical: 50, high: 20, medium: 8, low: 3, info: 0 };
/** The most a result can score while it has a finding of this severity. */
export const SEVERITY_CAP: Readonly<Record<Severity, number>> = { critical: 20, high: 50, medium: 80, low: 100, info: 100 };

const ORDER: readonly Severity[] = ['info', 'low', 'medium', 'high', 'critical'];
const VERDICT: Readonly<Record<Severity, SecurityVerdict>> = { critical: 'CRITICAL', high: 'DANGER', medium: 'WARNING', low: 'SAFE', info: 'SAFE' };

/**
 * Score and verdict from the findings alone, so every point lost is explained by a finding:
 * 100 minus each finding's penalty, then capped by the worst severity (one critical finding
 * means at most 20, however clean the rest). The verdict is the worst severity's: critical →
 * CRITICAL, high → DANGER, medium → WARNING, low or none → SAFE.
 */
export function scoreFindings(findings: readonly Finding[]): { score: number; verdict: SecurityVerdict } {
  const worst = findings.reduce<Severity>((w, f) => (ORDER.indexOf(f.severity) > ORDER.indexOf(w) ? f.severity : w), 'info');
  const raw = findings.reduce((score, f) => score - SEVERITY_PENALTY[f.severity], 100);
  return { score: Math.max(0, Math.min(raw, SEVERITY_CAP[worst])), verdict: VERDICT[worst] };
}

/** Findings ordered worst first (stable within a severity). */
export function sortFindings(findings: readonly Finding[]): Finding[] {
  return [...findings].sort((a, b) => ORDER.indexOf(b.severity) - ORDER.indexOf(a.severity));
}
