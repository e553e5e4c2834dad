import { encodePacked, keccak256, type Address } from 'viem';
import { backedPositions, type AttributedPosition } from './v3-positions';

const MANAGER: Address = '0x00000000000000000000000000000000000000A1';
const OWNER: Address = '0x000000000000000000000000000000000000dEaD';
const TOKEN0: Address = '0x0000000000000000000000000000000000000001';
const TOKEN1: Address = '0x0000000000000000000000000000000000000002';

const nft = (tokenId: bigint, tickLower: number, liquidity: bigint): AttributedPosition => ({
  manager: MANAGER,
  tokenId,
  exists: true,
  owner: OWNER,
  ownerCodeSize: 0,
  token0: TOKEN0,
  token1: TOKEN1,
  fee: 3000,
  tickLower,
  tickUpper: 60,
  liquidity,
  locked: false,
});
const key = (tickLower: number) => keccak256(encodePacked(['address', 'int24', 'int24'], [MANAGER, tickLower, 60]));

describe('backedPositions', () => {
  it('keeps NFTs whose liquidity the pool credits to their manager for that range, and drops a range claimed beyond it', () => {
    const nfts = [nft(1n, -60, 70n), nft(2n, -60, 30n), nft(3n, -120, 50n)];
    // Range -60: the pool credits the manager 100 = 70 + 30. Range -120: only 40, but the NFT claims 50.
    const pool = new Map([
      [key(-60), 100n],
      [key(-120), 40n],
    ]);
    expect(backedPositions(nfts, pool).map((n) => n.tokenId)).toEqual([1n, 2n]);
  });

  it('keeps NFTs that account for part of a range (ids past the read budget leave the rest unattributed)', () => {
    expect(backedPositions([nft(1n, -60, 70n)], new Map([[key(-60), 100n]])).map((n) => n.tokenId)).toEqual([1n]);
  });
});
