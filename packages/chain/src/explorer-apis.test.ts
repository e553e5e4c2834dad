import { explorerApiVariables, parseExplorerApis } from './explorer-apis';

describe('parseExplorerApis', () => {
  it('reads URL and key per network and leaves out networks without a URL', () => {
    expect(explorerApiVariables('ethereum')).toEqual({ url: 'EXPLORER_API_URL_ETHEREUM', key: 'EXPLORER_API_KEY_ETHEREUM' });
    expect(parseExplorerApis({ EXPLORER_API_URL_ETHEREUM: ' https://api.example/v2/api?chainid=1 ', EXPLORER_API_KEY_ETHEREUM: 'K', EXPLORER_API_KEY_BASE: 'ignored' })).toEqual({
      ethereum: { baseUrl: 'https://api.example/v2/api?chainid=1', apiKey: 'K', allowPrivate: false },
    });
    expect(parseExplorerApis({ EXPLORER_API_URL_DEVNET: 'http://127.0.0.1:1/api' }, true).devnet).toEqual({ baseUrl: 'http://127.0.0.1:1/api', apiKey: undefined, allowPrivate: true });
  });

  it('names the variable of a bad URL without repeating it', () => {
    expect(() => parseExplorerApis({ EXPLORER_API_URL_BASE: 'nope secret' })).toThrow(/^EXPLORER_API_URL_BASE: not a valid URL$/);
    expect(() => parseExplorerApis({ EXPLORER_API_URL_BASE: 'ftp://x/' })).toThrow('EXPLORER_API_URL_BASE: only http(s) URLs are supported, got ftp:');
  });
});
