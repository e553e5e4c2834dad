import type { AddressLabel } from './types';
import { LABEL_SOURCES as S } from './sources';

const TORNADO_NOTE = 'Tornado Cash instances were on the OFAC SDN list from August 2022 until their delisting in March 2025; a mixer either way.';
const uniswapV2Router = (address: AddressLabel['address']): AddressLabel => ({ address, name: 'Uniswap V2: Router02', kind: 'dex-router', source: S.uniswapV2 });
const uniswapV3Router: AddressLabel = { address: '0xE592427A0AEce92De3Edee1F18E0157C05861564', name: 'Uniswap V3: SwapRouter', kind: 'dex-router', source: S.uniswapV3Periphery };
const tornado = (address: AddressLabel['address'], name: string): AddressLabel => ({ address, name, kind: 'mixer', source: S.tornadoCli, note: TORNADO_NOTE });

export const BSC_LABELS: readonly AddressLabel[] = [
  { address: '0x10ED43C718714eb63d5aA57B78B54704E256024E', name: 'PancakeSwap V2: Router', kind: 'dex-router', source: S.pancakeV2 },
  uniswapV2Router('0x4752ba5DBc23f44D87826276BF6Fd6b1C372aD24'),
  tornado('0x84443CFd09A48AF6eF360C6976C5392aC5023a1F', 'Tornado Cash 0.1 BNB'),
  tornado('0xd47438C816c9E7f2E2888E060936a499Af9582b3', 'Tornado Cash 1 BNB'),
  tornado('0x330bdFADE01eE9bF63C209Ee33102DD334618e0a', 'Tornado Cash 10 BNB'),
  tornado('0x1E34A77868E19A6647b1f2F47B51ed72dEDE95DD', 'Tornado Cash 100 BNB'),
  tornado('0x0D5550d52428E7e3175bfc9550207e4ad3859b17', 'Tornado Cash: Proxy'),
];

export const POLYGON_LABELS: readonly AddressLabel[] = [uniswapV2Router('0xedf6066a2b290C185783862C7F4776A2C8077AD1'), uniswapV3Router];
export const ARBITRUM_LABELS: readonly AddressLabel[] = [uniswapV2Router('0x4752ba5DBc23f44D87826276BF6Fd6b1C372aD24'), uniswapV3Router];
export const OPTIMISM_LABELS: readonly AddressLabel[] = [uniswapV2Router('0x4A7b5Da61326A6379179b40d00F57E5bbDC962c2'), uniswapV3Router];
export const BASE_LABELS: readonly AddressLabel[] = [uniswapV2Router('0x4752ba5DBc23f44D87826276BF6Fd6b1C372aD24')];
