import type { AddressLabel } from './types';
import { OFAC_SDN_ETHEREUM } from './ofac-sdn-ethereum';
import { LABEL_SOURCES as S } from './sources';

/** Tornado Cash sat on the SDN list from August 2022 until Treasury delisted it in March 2025. */
const TORNADO_NOTE = 'Tornado Cash instances were on the OFAC SDN list from August 2022 until their delisting in March 2025; a mixer either way.';

const tornado = (address: AddressLabel['address'], name: string): AddressLabel => ({ address, name, kind: 'mixer', source: S.tornadoCli, note: TORNADO_NOTE });

/**
 * Ethereum mainnet's own labels: DEX routers, Tornado Cash, the SDN list. Burn addresses, lockers,
 * exchanges, bridges and DEX pools come from their own lists (see registry.ts).
 */
export const ETHEREUM_LABELS: readonly AddressLabel[] = [
  // DEX routers.
  { address: '0x7a250d5630B4cF539739dF2C5dAcb4c659F2488D', name: 'Uniswap V2: Router02', kind: 'dex-router', source: S.uniswapV2 },
  { address: '0xE592427A0AEce92De3Edee1F18E0157C05861564', name: 'Uniswap V3: SwapRouter', kind: 'dex-router', source: S.uniswapV3Periphery },
  { address: '0xEfF92A263d31888d860bD50809A8D171709b7b1c', name: 'PancakeSwap V2: Router', kind: 'dex-router', source: S.pancakeV2 },
  // Mixers: Tornado Cash instances (pool per denomination) and its proxy.
  tornado('0x12D66f87A04A9E220743712cE6d9bB1B5616B8Fc', 'Tornado Cash 0.1 ETH'),
  tornado('0x47CE0C6eD5B0Ce3d3A51fdb1C52DC66a7c3c2936', 'Tornado Cash 1 ETH'),
  tornado('0x910Cbd523D972eb0a6f4cAe4618aD62622b39DbF', 'Tornado Cash 10 ETH'),
  tornado('0xA160cdAB225685dA1d56aa342Ad8841c3b53f291', 'Tornado Cash 100 ETH'),
  tornado('0xD4B88Df4D29F5CedD6857912842cff3b20C8Cfa3', 'Tornado Cash 100 DAI'),
  tornado('0xFD8610d20aA15b7B2E3Be39B396a1bC3516c7144', 'Tornado Cash 1,000 DAI'),
  tornado('0x07687e702b410Fa43f4cB4Af7FA097918ffD2730', 'Tornado Cash 10,000 DAI'),
  tornado('0x23773E65ed146A459791799d01336DB287f25334', 'Tornado Cash 100,000 DAI'),
  tornado('0x22aaA7720ddd5388A3c0A3333430953C68f1849b', 'Tornado Cash 5,000 cDAI'),
  tornado('0x03893a7c7463AE47D46bc7f091665f1893656003', 'Tornado Cash 50,000 cDAI'),
  tornado('0x2717c5e28cf931547B621a5dddb772Ab6A35B701', 'Tornado Cash 500,000 cDAI'),
  tornado('0xD21be7248e0197Ee08E0c20D4a96DEBdaC3D20Af', 'Tornado Cash 5,000,000 cDAI'),
  tornado('0xd96f2B1c14Db8458374d9Aca76E26c3D18364307', 'Tornado Cash 100 USDC'),
  tornado('0x4736dCf1b7A3d580672CcE6E7c65cd5cc9cFBa9D', 'Tornado Cash 1,000 USDC'),
  tornado('0x169AD27A470D064DEDE56a2D3ff727986b15D52B', 'Tornado Cash 100 USDT'),
  tornado('0x0836222F2B2B24A3F36f98668Ed8F0B38D1a872f', 'Tornado Cash 1,000 USDT'),
  tornado('0x178169B423a011fff22B9e3F3abeA13414dDD0F1', 'Tornado Cash 0.1 WBTC'),
  tornado('0x610B717796ad172B316836AC95a2ffad065CeaB4', 'Tornado Cash 1 WBTC'),
  tornado('0xbB93e510BbCD0B7beb5A853875f9eC60275CF498', 'Tornado Cash 10 WBTC'),
  tornado('0x722122dF12D4e14e13Ac3b6895a86e84145b6967', 'Tornado Cash: Proxy'),
  // OFAC SDN: the entries whose designation is known by name, then the rest of the extracted list.
  {
    address: '0x098B716B8Aaf21512996dC57EB0615e2383E2f96',
    name: 'Lazarus Group (Ronin Bridge exploiter)',
    kind: 'sanctioned',
    source: S.ofacSdnEth,
    note: 'SDN entry "LAZARUS GROUP" (DPRK3), digital currency address added 2022-04-14.',
  },
  ...OFAC_SDN_ETHEREUM.map(
    (address): AddressLabel => ({
      address,
      name: 'OFAC SDN address',
      kind: 'sanctioned',
      source: S.ofacSdnEthList,
      note: 'On the SDN list (a digital-currency address of a designated person or entity; the extraction does not name which).',
    }),
  ),
];
