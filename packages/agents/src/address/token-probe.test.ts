import { encodeAbiParameters, stringToHex, type Hex } from 'viem';
import { classifyToken, type TokenProbe } from './token-probe';

const word = (n: bigint | number) => encodeAbiParameters([{ type: 'uint256' }], [BigInt(n)]);
const text = (s: string) => encodeAbiParameters([{ type: 'string' }], [s]);
const TRUE = word(1);
const FALSE = word(0);

const nothing: TokenProbe = {
  supports165: null,
  supportsInvalid: null,
  supports721: null,
  supports1155: null,
  totalSupply: null,
  decimals: null,
  name: null,
  symbol: null,
};
const erc165 = (overrides: Partial<TokenProbe>): TokenProbe => ({
  ...nothing,
  supports165: TRUE,
  supportsInvalid: FALSE,
  supports721: FALSE,
  supports1155: FALSE,
  ...overrides,
});

describe('classifyToken', () => {
  it('detects ERC-20 from totalSupply plus metadata', () => {
    const probe = { ...nothing, totalSupply: word(10n ** 24n), decimals: word(18), name: text('Demo Token'), symbol: text('DEMO') };
    expect(classifyToken(probe)).toEqual({
      standard: 'ERC20',
      name: 'Demo Token',
      symbol: 'DEMO',
      decimals: 18,
      totalSupply: (10n ** 24n).toString(),
    });
  });

  it('tolerates bytes32 name/symbol and missing decimals', () => {
    const probe = { ...nothing, totalSupply: word(5), name: stringToHex('Maker', { size: 32 }), symbol: stringToHex('MKR', { size: 32 }) };
    expect(classifyToken(probe)).toEqual({ standard: 'ERC20', name: 'Maker', symbol: 'MKR', decimals: null, totalSupply: '5' });
  });

  it('is not ERC-20 with totalSupply alone, or with metadata but no totalSupply', () => {
    expect(classifyToken({ ...nothing, totalSupply: word(1) })).toBeNull();
    expect(classifyToken({ ...nothing, decimals: word(18), name: text('X') })).toBeNull();
  });

  it('ignores a decimals word that does not fit uint8', () => {
    expect(classifyToken({ ...nothing, totalSupply: word(1), decimals: word(256), symbol: text('X') })).toMatchObject({ decimals: null });
  });

  it('detects ERC-721 and ERC-1155 through ERC-165', () => {
    expect(classifyToken(erc165({ supports721: TRUE, name: text('Demo NFT'), symbol: text('DNFT'), totalSupply: word(1) }))).toEqual({
      standard: 'ERC721',
      name: 'Demo NFT',
      symbol: 'DNFT',
      decimals: null,
      totalSupply: '1',
    });
    expect(classifyToken(erc165({ supports1155: TRUE }))).toEqual({
      standard: 'ERC1155',
      name: null,
      symbol: null,
      decimals: null,
      totalSupply: null,
    });
  });

  it('does not trust supportsInterface from a contract that says yes to everything', () => {
    // A fallback returning 1 for any call fails ERC-165's own check (0xffffffff must be false).
    const yesToAll: TokenProbe = { ...nothing, supports165: TRUE, supportsInvalid: TRUE, supports721: TRUE, supports1155: TRUE };
    expect(classifyToken(yesToAll)).toBeNull();
  });

  it('does not read a non-boolean word as true', () => {
    expect(classifyToken(erc165({ supports165: word(2), supports721: TRUE }))).toBeNull();
  });

  it('returns null for a contract that answers nothing, or answers with empty data', () => {
    expect(classifyToken(nothing)).toBeNull();
    const empty = Object.fromEntries(Object.keys(nothing).map((key) => [key, '0x' as Hex])) as unknown as TokenProbe;
    expect(classifyToken(empty)).toBeNull();
  });
});
