import { ChainClients } from '@oca/chain';
import { deployLimitsScenario, startAnvil, type AnvilInstance, type LimitsScenario } from '@oca/testkit';
import { LIMITS_GAS, probeLimits } from '../../src/security/probe/security-probe';
import type { SecurityResult } from '../../src/security/schemas';
import { tradeLimits } from '../../src/security/trading';
import { analyseSecurity } from './analyse-security';
import { expectLimitsFound, expectWithin } from './limits-truth';

// anvil start-up, about ten transactions, a (cached) solc compile and one analysis.
jest.setTimeout(60_000);

let anvil: AnvilInstance;
let scenario: LimitsScenario;
let result: SecurityResult;

beforeAll(async () => {
  anvil = await startAnvil();
  scenario = await deployLimitsScenario(anvil.rpcUrl);
  result = await analyseSecurity(anvil.rpcUrl, scenario.token);
});

afterAll(async () => {
  await anvil?.stop();
});

describe('maxBuy / maxSell / max wallet by bisection (ground truth: the limits set in the contract)', () => {
  it('finds the largest buy, the largest sale and the largest wallet balance, each its own', async () => {
    await expectLimitsFound(anvil.rpcUrl, scenario, result);
    console.log(`limits bisection: ${result.data.trading.limits!.trials} swaps simulated in one eth_call`);
  });

  it('the limits do not make the token a honeypot: a small round trip passes', () => {
    expect(result.data.trading).toMatchObject({ cannotBuy: false, isHoneypot: false });
  });
});

describe('a cap enforced by running out of gas (GasTrapToken)', () => {
  it('the sale cap is found like any other, and the trades that burn their gas do not starve the rest', async () => {
    const trap = await analyseSecurity(anvil.rpcUrl, scenario.gasTrap.token);
    const sellCap = (await new ChainClients({ rpcUrls: { devnet: [anvil.rpcUrl] } })
      .get('devnet')
      .readContract({ address: scenario.gasTrap.token, abi: scenario.gasTrap.artifact.abi, functionName: 'sellCap', blockNumber: BigInt(trap.blockNumber) })) as bigint;
    const limits = trap.data.trading.limits;
    // Null would mean the budget ran out: each burnt trade took at most its 1 M, not the call's gas.
    expect(limits).not.toBeNull();
    expect(limits!.maxBuy.limit).toBeNull();
    expectWithin(limits!.maxSell!.limit, sellCap);
  });
});

describe('the gas budget', () => {
  it('a call with too little gas for every search stops early, says so, and states no limit', async () => {
    const client = new ChainClients({ rpcUrls: { devnet: [anvil.rpcUrl] } }).get('devnet');
    const request = { token: scenario.token, pool: { pair: scenario.pair, version: 2 as const }, quote: scenario.weth, blockNumber: BigInt(result.blockNumber) };
    // The probe starts a trade only with its per-trade cap (1 M) and a reserve left; the whole
    // search here (60 swaps) needs ~3.7 M of budget, so 3 M leaves room for most trades, not all.
    const short = await probeLimits(client, { ...request, gas: 3_000_000n });
    expect(short).toMatchObject({ ok: true, budgetSpent: true });
    expect(Number(short!.trials)).toBeGreaterThan(0);
    expect(tradeLimits(short, scenario.pair)).toBeNull();
    // The default budget finishes: the same figures the analysis reported.
    const full = await probeLimits(client, { ...request, gas: LIMITS_GAS });
    expect(full?.budgetSpent).toBe(false);
    expect(tradeLimits(full, scenario.pair)).toEqual(result.data.trading.limits);
  });
});
