import { ChainClients } from './chain-clients';
import { NetworkNotConfiguredError } from './errors';

// No I/O: viem clients connect lazily, on the first request.
describe('ChainClients', () => {
  const clients = new ChainClients({ rpcUrls: { ethereum: ['https://a.example', 'https://b.example'], devnet: ['http://127.0.0.1:1'], base: [] } });

  it('reports configured networks in catalog order; an empty list is not configured', () => {
    expect(clients.configured()).toEqual(['ethereum', 'devnet']);
    expect(clients.has('ethereum')).toBe(true);
    expect(clients.has('base')).toBe(false);
    expect(clients.has('polygon')).toBe(false);
  });

  it('creates a client once per network and binds the chain definition', () => {
    const mainnet = clients.get('ethereum');
    expect(clients.get('ethereum')).toBe(mainnet);
    expect(mainnet.chain.id).toBe(1);
    expect(clients.get('devnet').chain.id).toBe(31337);
  });

  it('aggregates eth_calls with Multicall3 only where the chain has it', () => {
    expect(clients.get('ethereum').batch?.multicall).toBe(true);
    expect(clients.get('devnet').batch?.multicall).toBeFalsy();
  });

  it('throws NetworkNotConfiguredError for unconfigured and unknown networks', () => {
    const polygon = (() => {
      try {
        clients.get('polygon');
      } catch (err) {
        return err;
      }
    })();
    expect(polygon).toBeInstanceOf(NetworkNotConfiguredError);
    expect(polygon).toMatchObject({ code: 'network_not_configured', network: 'polygon', retryable: false });
    expect(() => clients.get('solana' as never)).toThrow(NetworkNotConfiguredError);
    expect(() => clients.get('base')).toThrow(/"base" has no RPC URL/);
  });
});
