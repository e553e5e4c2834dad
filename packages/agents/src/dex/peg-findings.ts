import type { Finding, StablecoinPeg } from '@oca/contracts';
import { DEPEG_THRESHOLD, PEG_MIN_DEPTH_UNITS } from './stable-pegs';

const DEPEG_PERCENT = DEPEG_THRESHOLD * 100;

/**
 * What is known of each stablecoin's peg: off its peg is high (every figure quoted in it moves),
 * a disagreement between two stablecoins is medium, and a stablecoin nothing could check is said.
 */
export function pegFindings(stablecoins: readonly StablecoinPeg[]): Finding[] {
  const findings: Finding[] = [];
  const refs = (s: StablecoinPeg) => s.references.map((r) => `${r.price.toFixed(4)} ${r.symbol} (${r.pools.join(' + ')})`).join(', ');
  for (const s of stablecoins) {
    if (s.status === 'depegged') {
      findings.push({
        severity: 'high',
        title: `${s.symbol} off its peg: $${s.measuredUsd!.toFixed(4)}`,
        evidence: `${s.symbol} (${s.address}) trades at ${refs(s)}; the median with $1.00 is $${s.measuredUsd!.toFixed(4)}, over ${DEPEG_PERCENT} % from the peg. Figures quoted in ${s.symbol} use that price.`,
      });
    } else if (s.status === 'disputed') {
      findings.push({
        severity: 'medium',
        title: `${s.symbol} and ${s.references[0]!.symbol} disagree: one is off its peg`,
        evidence: `${s.symbol} (${s.address}) trades at ${refs(s)}, over ${DEPEG_PERCENT} % apart; with only two stablecoins to compare, which one is off cannot be told. ${s.symbol} is taken at $1.00.`,
      });
    }
  }
  const unverified = stablecoins.filter((s) => s.status === 'unverified');
  if (unverified.length > 0) {
    findings.push({
      severity: 'info',
      title: `${unverified.map((s) => s.symbol).join(', ')} taken at $1.00 unchecked`,
      evidence: `No pool at least ${PEG_MIN_DEPTH_UNITS} units deep prices ${unverified.map((s) => `${s.symbol} (${s.address})`).join(', ')} against another listed stablecoin, directly or through the wrapped native token: the peg cannot be checked.`,
    });
  }
  const pegged = stablecoins.filter((s) => s.status === 'pegged');
  if (pegged.length > 0) {
    findings.push({
      severity: 'info',
      title: `Stablecoins on peg: ${pegged.map((s) => s.symbol).join(', ')}`,
      evidence: `Checked against each other within ${DEPEG_PERCENT} %: ${pegged.map((s) => `${s.symbol} at ${refs(s)}`).join('; ')}. Taken at $1.00.`,
    });
  }
  return findings;
}
