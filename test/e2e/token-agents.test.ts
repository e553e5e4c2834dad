/**
 * The token-intelligence agents (security, market, trend, whale) and the governance, defi,
 * portfolio, forensics and nft agents as jobs through the API, against the running services and an
 * anvil chain with the token and market scenarios (the whale, governance, defi, portfolio,
 * forensics and nft scenarios are deployed by their cases, late: most move the chain's clock). The
 * address agent runs in pipeline.test.ts. The agents' own suites check every figure; this proves
 * they run end to end and answer per their result schemas, and that every agent is in
 * GET /v1/agents and the OpenAPI document.
 */
import { GovernanceResult, MarketResult, SecurityResult, TrendResult, WhaleResult } from '@oca/contracts';
import { deployGovernanceScenario, deployWhaleScenario } from '@oca/testkit';
import { DefiResult } from '@oca/contracts';
import { deployDefiScenario } from '@oca/testkit';
import { PortfolioResult } from '@oca/contracts';
import { deployPortfolioScenario } from '@oca/testkit';
import { api, startHarness, type Harness } from './harness';
// The forensics case (added last).
import { ForensicsResult } from '@oca/contracts';
import { deployForensicsScenario } from '@oca/testkit';
import { NftResult } from '@oca/contracts';
import { deployNftScenario } from '@oca/testkit';

jest.setTimeout(120_000);

let h: Harness;
let apiKey: string;

beforeAll(async () => {
  h = await startHarness();
  const email = `tokens-${Date.now()}@example.com`;
  const password = 'correct horse battery staple';
  await api(h.gatewayUrl, 'POST', '/v1/auth/register', { body: { email, password } });
  const login = await api(h.gatewayUrl, 'POST', '/v1/auth/login', { body: { email, password } });
  apiKey = (await api(h.gatewayUrl, 'POST', '/v1/api-keys', { token: login.body.accessToken, body: { name: 'tokens' } })).body.key;
});

afterAll(async () => {
  await h?.close();
});

let lastJobId = '';

async function run(agent: string, params: Record<string, unknown>) {
  const submit = await api(h.gatewayUrl, 'POST', '/v1/jobs', { apiKey, body: { agent, params } });
  expect(submit.status).toBe(202);
  lastJobId = submit.body.id;
  const done = await api(h.gatewayUrl, 'GET', `/v1/jobs/${submit.body.id}?wait=30`, { apiKey });
  expect(done.body.error).toBeNull();
  expect(done.body.status).toBe('succeeded');
  return done.body.result;
}

const AGENTS = ['address', 'security', 'market', 'trend', 'whale', 'governance', 'defi', 'portfolio', 'forensics', 'nft'];

it('lists every agent with its params and result, in GET /v1/agents and in the OpenAPI document', async () => {
  const res = await api(h.gatewayUrl, 'GET', '/v1/agents');
  expect(res.body.items.map((a: { name: string }) => a.name)).toEqual(expect.arrayContaining(AGENTS));
  expect(res.body.items.find((a: { name: string }) => a.name === 'forensics').params.properties).toHaveProperty('depth');
  const doc = (await api(h.gatewayUrl, 'GET', '/openapi.json')).body;
  expect(doc.paths['/v1/jobs'].post.requestBody.content['application/json'].schema.properties.agent.enum).toEqual(expect.arrayContaining(AGENTS));
  const pascal = (name: string) => name[0]!.toUpperCase() + name.slice(1);
  expect(Object.keys(doc.components.schemas)).toEqual(expect.arrayContaining(AGENTS.flatMap((name) => [`${pascal(name)}Params`, `${pascal(name)}Result`])));
  expect(doc.components.schemas.WhaleParams.properties).toHaveProperty('token');
});

it('security: flags a 50% sell tax and passes a clean token', async () => {
  const taxed = SecurityResult.parse(await run('security', { network: 'devnet', address: h.tokens.tokens.sellTax.address }));
  expect(taxed.data.trading.sellTax).toBeCloseTo(0.5, 1);
  expect(taxed.findings.some((f) => f.severity === 'high' || f.severity === 'critical')).toBe(true);
  const goplus = await api(h.gatewayUrl, 'GET', `/v1/jobs/${lastJobId}?format=goplus`, { apiKey });
  expect(goplus.status).toBe(200);
  const entry = goplus.body.result[h.tokens.tokens.sellTax.address.toLowerCase()];
  expect(Number(entry.sell_tax)).toBeCloseTo(0.5, 1);

  const clean = SecurityResult.parse(await run('security', { network: 'devnet', address: h.tokens.tokens.clean.address }));
  expect(clean.findings.filter((f) => f.severity === 'high' || f.severity === 'critical')).toEqual([]);
});

it('security: simulates through a V3-only pool and shows still-locked LP (V2 and V3) in the GoPlus view', async () => {
  const v3 = SecurityResult.parse(await run('security', { network: 'devnet', address: h.tokens.tokens.v3SellTax.address }));
  expect(v3.data.trading).toMatchObject({ method: 'v3-pool', pool: h.tokens.tokens.v3SellTax.v3Pool });
  expect(v3.data.trading.sellTax).toBeCloseTo(0.5, 1);
  const v3View = await api(h.gatewayUrl, 'GET', `/v1/jobs/${lastJobId}?format=goplus`, { apiKey });
  expect(v3View.body.result[h.tokens.tokens.v3SellTax.address.toLowerCase()].dex).toEqual([
    // The token scenario's own V3 factory is not the devnet's listed one: an unlisted fork, said as such.
    { liquidity_type: 'UniV3', name: 'Unlisted V3 fork', pair: h.tokens.tokens.v3SellTax.v3Pool, liquidity: '' },
  ]);

  const locked = SecurityResult.parse(await run('security', { network: 'devnet', address: h.tokens.tokens.lpLocked.address }));
  expect(Math.round(locked.data.liquidity.lpLockedPercent!)).toBe(40);
  const lockedView = await api(h.gatewayUrl, 'GET', `/v1/jobs/${lastJobId}?format=goplus`, { apiKey });
  const lpHolders = lockedView.body.result[h.tokens.tokens.lpLocked.address.toLowerCase()].lp_holders as { address: string; is_locked: string }[];
  expect(lpHolders.find((l) => l.address === h.tokens.lpLocker)?.is_locked).toBe('1');

  // V3: the position NFTs' owners, the locker's still-locked NFT counted, the expired one not.
  const v3Locked = SecurityResult.parse(await run('security', { network: 'devnet', address: h.tokens.tokens.v3Locked.address }));
  expect(v3Locked.data.liquidity.pools[0]).toMatchObject({ dex: 'uniswap-v3', address: h.tokens.tokens.v3Locked.v3Pool, lpUnattributedPercent: 0 });
  expect([Math.round(v3Locked.data.liquidity.lpBurnedPercent!), Math.round(v3Locked.data.liquidity.lpLockedPercent!)]).toEqual([30, 40]);
  const v3LockedView = await api(h.gatewayUrl, 'GET', `/v1/jobs/${lastJobId}?format=goplus`, { apiKey });
  const v3LpHolders = v3LockedView.body.result[h.tokens.tokens.v3Locked.address.toLowerCase()].lp_holders as { address: string; is_locked: string }[];
  expect(v3LpHolders.find((l) => l.address === h.tokens.lpLocker)?.is_locked).toBe('1');
});

it('market: finds the pools of a traded token with a USD price', async () => {
  const alpha = MarketResult.parse(await run('market', { network: 'devnet', address: h.market.tokens.alpha.address }));
  const notSecurity = await api(h.gatewayUrl, 'GET', `/v1/jobs/${lastJobId}?format=goplus`, { apiKey });
  expect(notSecurity.status).toBe(400);
  expect(alpha.data.pools.length).toBeGreaterThanOrEqual(3);
  expect(Number(alpha.data.priceUsd)).toBeGreaterThan(0);
});

it('trend: ranks the scenario’s hot new pair first and leaves out the honeypot', async () => {
  const trend = TrendResult.parse(await run('trend', { network: 'devnet', lookbackHours: 24 }));
  expect(trend.data.pools[0]?.pool.toLowerCase()).toBe(h.market.pools.hotWethV2.address.toLowerCase());
  expect(trend.data.excludedPools.some((p) => p.reason === 'honeypot')).toBe(true);
});

// Last: the whale scenario moves the chain's clock 72 hours on, past the market scenario's windows.
it('whale: finds the scenario’s insider cluster and the whales’ deposits to the labelled exchange', async () => {
  const whales = await deployWhaleScenario(h.anvil.rpcUrl);
  const whale = WhaleResult.parse(await run('whale', { network: 'devnet', token: whales.token }));
  const insider = whale.data.funding.clusters.find((k) => k.insider);
  expect(insider?.funder).toBe(whales.insiderFunder);
  expect(insider?.members.map((m) => m.address).sort()).toEqual([...whales.insiders].sort());
  expect(BigInt(whale.data.cohorts.exchanges.net)).toBe(110_000n * 10n ** 18n);
});

// Last: the governance scenario moves the chain's clock by two days, past the trend windows above.
it('governance: reads an OpenZeppelin governor’s proposals, delegates and treasury', async () => {
  const gov = await deployGovernanceScenario(h.anvil.rpcUrl);
  const result = GovernanceResult.parse(await run('governance', { network: 'devnet', governor: gov.openZeppelin.governor }));
  expect(result.data.governor).toMatchObject({ kind: 'openzeppelin', timelock: gov.openZeppelin.timelock });
  expect(result.data.proposals.map((p) => p.id).sort()).toEqual(gov.openZeppelin.proposals.map((p) => p.id.toString()).sort());
  expect(result.data.votingPower.delegateCount).toBe(4);
});

it('defi: recognises the Aave V3 pool and the ERC-4626 vault deployed on the stack’s market, with their TVL and rates', async () => {
  const listed = await api(h.gatewayUrl, 'GET', '/v1/agents');
  expect(listed.body.items.map((a: { name: string }) => a.name)).toContain('defi');
  const defi = await deployDefiScenario(h.anvil.rpcUrl, h.market);
  const lending = DefiResult.parse(await run('defi', { network: 'devnet', address: defi.aave.pool }));
  expect(lending.data.kind).toBe('aave-v3-pool');
  expect(lending.data.lending!.reserves.map((r) => r.asset)).toEqual([h.market.core.weth, h.market.core.usd]);
  expect(lending.data.lending!.reserves.every((r) => r.supplyApyPercent > 0 && r.variableBorrowApyPercent > r.supplyApyPercent)).toBe(true);
  expect(lending.data.tvl!.usd).toBeGreaterThan(0);
  expect(lending.findings.map((f) => f.title)).toContain('Borrow cap of dUSD nearly reached: 95.0 %');
  const vault = DefiResult.parse(await run('defi', { network: 'devnet', address: defi.vault, windowHours: 5 }));
  expect(vault.data.kind).toBe('erc4626-vault');
  expect(vault.data.vault!.apyPercent).toBeGreaterThan(0);
});

// Near the end: the portfolio scenario moves the chain's clock seven hours on.
it('portfolio: values the scenario wallet’s holdings, its LP and V3 positions, and flags its honeypot', async () => {
  const listed = await api(h.gatewayUrl, 'GET', '/v1/agents');
  expect(listed.body.items.map((a: { name: string }) => a.name)).toContain('portfolio');
  const p = await deployPortfolioScenario(h.anvil.rpcUrl);
  const result = PortfolioResult.parse(await run('portfolio', { network: 'devnet', address: p.wallet }));
  const kinds = result.data.holdings.map((x) => x.kind);
  expect(kinds).toEqual(expect.arrayContaining(['native', 'erc20', 'v2-lp', 'v3-position']));
  expect(result.data.holdings.find((x) => x.token === p.tokens.honey)?.risk.honeypot).toBe(true);
  expect(result.data.holdings.find((x) => x.token === p.tokens.lost)?.valueUsd).toBeNull();
  expect(result.data.holdings.find((x) => x.kind === 'v3-position')?.tokenId).toBe(p.positionId.toString());
});

// Then the forensics scenario moves the chain's clock two days on.
it('forensics: traces a wallet through a mixer, flags its honeypot and finds its exchange deposit address', async () => {
  const f = await deployForensicsScenario(h.anvil.rpcUrl);
  const result = ForensicsResult.parse(await run('forensics', { network: 'devnet', address: f.subject }));
  expect(result.data.funding.hops.map((hop) => hop.funder)).toEqual([f.layer, f.mixer]);
  expect(result.data.flagged.map((x) => [x.kind, x.hop])).toEqual([['mixer', 2]]);
  expect(result.data.deployed.map((d) => d.address)).toEqual([f.honeypot, f.secondToken]);
  expect(result.data.deployed[0]?.security?.isHoneypot).toBe(true);
  expect(result.data.depositAddresses.map((d) => [d.address, d.exchange])).toEqual([[f.depositAddress, f.exchange]]);
  expect(result.data.risk.level).toBe('high');
});

// Last: the NFT scenario moves the chain's clock by 56 days.
it('nft: reconstructs Seaport, direct and flash-loan sales, scores rarity and flags the wash trades', async () => {
  const agents = await api(h.gatewayUrl, 'GET', '/v1/agents');
  expect(agents.body.items.map((a: { name: string }) => a.name)).toContain('nft');
  const nfts = await deployNftScenario(h.anvil.rpcUrl);
  const result = NftResult.parse(await run('nft', { network: 'devnet', collection: nfts.collection, tokenId: '17' }));
  expect(result.data.collection).toMatchObject({ standard: 'ERC721', symbol: 'CRIT', supply: '20' });
  expect(result.data.sales.count).toBe(nfts.sales.length);
  expect(new Set(result.data.wash.sales.map((x) => x.tokenId))).toEqual(new Set(['13', '14', '15', '16', nfts.flashSale.tokenId.toString()]));
  expect(result.data.wash.byFilter.flash_loan).toBe(1);
  expect(result.data.token?.rarity?.rank).toBe(1);
});
