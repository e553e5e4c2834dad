import { parseRpcUrls, rpcUrlVariable } from './rpc-urls';

describe('parseRpcUrls', () => {
  it('reads RPC_URL_<NETWORK> as comma-separated URLs in order, trimming blanks', () => {
    const urls = parseRpcUrls({
      RPC_URL_ETHEREUM: ' https://a.example/v2/key , https://b.example ,,',
      RPC_URL_DEVNET: 'http://127.0.0.1:8545',
    });
    expect(urls).toEqual({
      ethereum: ['https://a.example/v2/key', 'https://b.example'],
      devnet: ['http://127.0.0.1:8545'],
    });
  });

  it('leaves out networks whose variable is missing or empty, and ignores unknown networks', () => {
    expect(parseRpcUrls({ RPC_URL_POLYGON: '', RPC_URL_BASE: ' , ', RPC_URL_SOLANA: 'https://x.example' })).toEqual({});
  });

  it('covers every network with its upper-case variable name', () => {
    expect(rpcUrlVariable('bsc')).toBe('RPC_URL_BSC');
    expect(parseRpcUrls({ RPC_URL_ARBITRUM: 'https://arb.example', RPC_URL_OPTIMISM: 'https://op.example' })).toEqual({
      arbitrum: ['https://arb.example'],
      optimism: ['https://op.example'],
    });
  });

  it('does not read lower-case variable names', () => {
    expect(parseRpcUrls({ rpc_url_ethereum: 'https://a.example' })).toEqual({});
  });

  it('rejects a malformed URL naming the variable but not echoing the URL (it may hold a key)', () => {
    expect(() => parseRpcUrls({ RPC_URL_BASE: 'https://ok.example,not a url secret123' })).toThrow(/RPC_URL_BASE/);
    expect(() => parseRpcUrls({ RPC_URL_BASE: 'not a url secret123' })).not.toThrow(/secret123/);
  });

  it('rejects non-http schemes', () => {
    expect(() => parseRpcUrls({ RPC_URL_ETHEREUM: 'wss://a.example' })).toThrow(/RPC_URL_ETHEREUM: only http\(s\)/);
  });
});
