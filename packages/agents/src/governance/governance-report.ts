import type { Finding, GovernanceData, GovernanceProposal, ProposalStateName, SafeTreasury } from '@oca/contracts';

/** States in which a proposal can still take effect. */
const LIVE_STATES: readonly ProposalStateName[] = ['Pending', 'Active', 'Succeeded', 'Queued'];
const KIND_LABEL = { openzeppelin: 'OpenZeppelin Governor', bravo: 'Compound Governor Bravo', alpha: 'GovernorAlpha' } as const;

/** Everything the findings are drawn from. */
export interface GovernanceFacts {
  data: GovernanceData;
  /** Unix seconds of the analysed block. */
  blockTimestamp: number;
  /** Proposals found in the logs, including those past the listed ones. */
  proposalTotal: number;
  /** Delegates ranked by logged balance only (past the read cap). */
  delegatesFromLogsOnly: number;
  nativeSymbol: string;
}

export function governanceFindings(facts: GovernanceFacts): Finding[] {
  const { data } = facts;
  const findings: Finding[] = [];
  if (data.governor === null) {
    findings.push({
      severity: 'info',
      title: 'Voting power only: no governor given',
      evidence: `A token does not name its governor and no on-chain index maps one to the other; pass {network, governor} for proposals, quorum and treasury.`,
    });
  }
  for (const p of data.proposals) findings.push(...proposalFindings(p, facts.blockTimestamp));
  findings.push(...powerFindings(data));
  const governor = data.governor;
  if (governor?.timelock && governor.controlsTimelock === false) {
    findings.push({
      severity: 'high',
      title: 'The timelock does not take this governor’s orders',
      evidence: `${governor.timelock}: ${governor.timelockKind === 'compound' ? 'admin() is another address' : 'hasRole(PROPOSER_ROLE, governor) is false'}; passed proposals cannot be queued through it.`,
    });
  }
  if (governor && governor.timelock === null) {
    findings.push({ severity: 'medium', title: 'No timelock', evidence: `${governor.address} answers no timelock(): passed proposals execute without a delay, and there is no treasury to read.` });
  }
  if (facts.proposalTotal > data.proposals.length) {
    findings.push({ severity: 'info', title: 'Older proposals not listed', evidence: `${facts.proposalTotal} proposals found; the ${data.proposals.length} most recent are detailed.` });
  }
  if (facts.delegatesFromLogsOnly > 0) {
    findings.push({
      severity: 'info',
      title: 'Some delegates ranked from logs',
      evidence: `${facts.delegatesFromLogsOnly} smaller delegates carry their last DelegateVotesChanged balance instead of a getVotes read.`,
    });
  }
  if (data.safe) findings.push(...safeFindings(data.safe, data.governor?.timelock ?? null));
  const unpriced = [...(data.treasury?.assets ?? []), ...(data.safe?.treasury.assets ?? [])].filter((a) => a.valueUsd === null);
  if (unpriced.length > 0) {
    findings.push({
      severity: 'info',
      title: 'Treasury assets without a USD price',
      evidence: `No DEX pool against a priced quote token for: ${[...new Set(unpriced.map((a) => a.symbol ?? a.token ?? facts.nativeSymbol))].join(', ')}; their value is unknown, not zero.`,
    });
  }
  return findings;
}

/**
 * Who can move a Safe's assets without a vote: with a threshold of 1 any owner alone (the timelock
 * being an owner does not stop the others); a Safe the timelock does not own answers to its
 * signers only; enabled modules need no signature at all.
 */
export function safeFindings(safe: SafeTreasury, timelock: string | null): Finding[] {
  const out: Finding[] = [];
  const n = safe.owners.length;
  const held = `holds $${safe.treasury.pricedUsd.toFixed(2)} priced${safe.treasury.unpricedAssets > 0 ? ` + ${safe.treasury.unpricedAssets} unpriced asset(s)` : ''}`;
  const others = safe.owners.filter((owner) => owner !== timelock);
  if (safe.threshold === 1 && others.length > 0) {
    out.push({
      severity: 'high',
      title: `1-of-${n} Safe controls treasury: one owner moves it alone`,
      evidence: `${safe.address} (Safe ${safe.version}) ${held}; threshold 1 of ${n} owners (${safe.owners.join(', ')})${safe.timelockIsOwner ? '; the timelock is one owner, every other owner bypasses the vote' : ''}.`,
    });
  } else if (safe.timelockIsOwner === false) {
    out.push({
      severity: 'medium',
      title: 'Treasury Safe outside governance',
      evidence: `${safe.address} (Safe ${safe.version}) ${held}; ${safe.threshold} of ${n} owners sign (${safe.owners.join(', ')}), and the timelock is not one of them: no vote is needed to move it.`,
    });
  }
  if (safe.modules && safe.modules.length > 0) {
    out.push({
      severity: 'medium',
      title: `Safe has ${safe.modules.length} module(s) enabled`,
      evidence: `${safe.modules.join(', ')} can execute transactions from ${safe.address} without any owner signature.`,
    });
  }
  return out;
}

/** Flagged actions (high while the proposal can still pass or execute) and queued proposals ready to run. */
function proposalFindings(p: GovernanceProposal, now: number): Finding[] {
  const out: Finding[] = [];
  const flags = [...new Set(p.actions.flatMap((a) => a.flags))];
  if (flags.length > 0) {
    const live = LIVE_STATES.includes(p.state);
    out.push({
      severity: live ? 'high' : p.state === 'Executed' ? 'low' : 'info',
      title: `Proposal ${shortId(p.id)} (${p.state}): ${flags.join(', ')}`,
      evidence: `"${p.title}": ${p.actions.flatMap((a) => a.notes).join('; ')}`,
    });
  }
  if (p.state === 'Queued' && p.eta !== null && p.eta <= now) {
    out.push({ severity: 'info', title: `Proposal ${shortId(p.id)} can be executed now`, evidence: `Queued with eta ${new Date(p.eta * 1000).toISOString()}, passed at the analysed block.` });
  }
  return out;
}

/** Concentration: how few delegates decide. */
function powerFindings(data: GovernanceData): Finding[] {
  const out: Finding[] = [];
  const { nakamoto, topDelegates } = data.votingPower;
  const quorum = data.governor?.quorum ?? null;
  if (quorum !== null && nakamoto.quorum === null && BigInt(quorum) > 0n) {
    out.push({
      severity: 'medium',
      title: 'Delegated votes cannot reach quorum',
      evidence: `All ${data.votingPower.delegateCount} delegates together hold ${data.votingPower.delegatedVotes} votes, below the quorum of ${quorum}.`,
    });
  } else if (nakamoto.quorum !== null && nakamoto.quorum <= 3) {
    const names = topDelegates.slice(0, nakamoto.quorum).map((d) => `${d.address} (${d.votes})`);
    out.push({
      severity: nakamoto.quorum === 1 ? 'high' : 'medium',
      title: nakamoto.quorum === 1 ? 'One delegate reaches quorum alone' : `${nakamoto.quorum} delegates reach quorum together`,
      evidence: `Quorum ${quorum}: ${names.join(' + ')}.`,
    });
  }
  if (nakamoto.majority !== null && nakamoto.majority <= 2) {
    out.push({
      severity: 'medium',
      title: `${nakamoto.majority === 1 ? 'One delegate holds' : `${nakamoto.majority} delegates hold`} a majority of delegated votes`,
      evidence: `${topDelegates
        .slice(0, nakamoto.majority)
        .map((d) => `${d.address} ${d.sharePercent.toFixed(2)} %`)
        .join(' + ')} of ${data.votingPower.delegatedVotes} delegated votes.`,
    });
  }
  return out;
}

export function governanceSummary(facts: GovernanceFacts): string {
  const { data } = facts;
  const vp = data.votingPower;
  const symbol = vp.token.symbol ?? vp.token.address;
  const power = `${vp.delegateCount} delegates hold ${vp.delegatedSupplyPercent.toFixed(2)} % of ${symbol} supply; Nakamoto coefficient ${vp.nakamoto.quorum ?? 'n/a'} for quorum, ${vp.nakamoto.majority ?? 'n/a'} for a majority`;
  if (!data.governor) return `${symbol} voting power: ${power}.`;
  const g = data.governor;
  const states = new Map<string, number>();
  for (const p of data.proposals) states.set(p.state, (states.get(p.state) ?? 0) + 1);
  const stateList = [...states].map(([s, n]) => `${n} ${s.toLowerCase()}`).join(', ');
  const treasury = data.treasury
    ? `; treasury $${data.treasury.pricedUsd.toFixed(2)} priced${data.treasury.unpricedAssets > 0 ? ` + ${data.treasury.unpricedAssets} unpriced asset(s)` : ''}`
    : '';
  const safe = data.safe ? `; Safe ${data.safe.threshold}-of-${data.safe.owners.length} $${data.safe.treasury.pricedUsd.toFixed(2)} priced` : '';
  return `${KIND_LABEL[g.kind]}${g.name ? ` "${g.name}"` : ''}: ${facts.proposalTotal} proposal(s)${stateList ? ` (${stateList})` : ''}; ${power}${treasury}${safe}.`;
}

function shortId(id: string): string {
  return id.length > 12 ? `${id.slice(0, 6)}…${id.slice(-4)}` : `#${id}`;
}
