import type { Network } from '@oca/contracts';
import type { AddressLabel } from './types';
import { LABEL_SOURCES as S } from './sources';

type Mainnet = Exclude<Network, 'devnet'>;

const bridge = (source: string) => (address: AddressLabel['address'], name: string): AddressLabel => ({ address, name, kind: 'bridge', source });
const arbitrumSdk = bridge(S.arbitrumSdk);
const superchain = bridge(S.superchainRegistry);
const polygon = bridge(S.polygonStatic);
const across = bridge(S.acrossSpokePool);
const wormhole = bridge(S.wormholeTokenBridge);

/** The OP Stack's L2StandardBridge predeploy: the same address on every OP Stack chain. */
const L2_STANDARD_BRIDGE = '0x4200000000000000000000000000000000000010';

/**
 * Bridge contracts per network: each chain's canonical bridge on both sides (the L1 escrow that holds
 * what was bridged out, the L2 side that mints and burns), then the major third-party bridges'
 * entry points (Across SpokePools, Wormhole's token bridge). Each names the deployment list it comes from.
 */
export const BRIDGE_LABELS: Readonly<Record<Mainnet, readonly AddressLabel[]>> = {
  ethereum: [
    // Arbitrum One, L1 side: the core bridge and its inbox, then the token bridge's gateways.
    { address: '0x4Dbd4fc535Ac27206064B68FfCf827b0A60BAB3f', name: 'Arbitrum One: Delayed Inbox', kind: 'bridge', source: S.arbitrum },
    { address: '0x8315177aB297bA92A06054cE80a67Ed4DBd7ed3a', name: 'Arbitrum One: Bridge', kind: 'bridge', source: S.arbitrum },
    arbitrumSdk('0x72Ce9c846789fdB6fC1f34aC4AD25Dd9ef7031ef', 'Arbitrum One: L1 Gateway Router'),
    arbitrumSdk('0xa3A7B6F88361F48403514059F1F16C8E78d60EeC', 'Arbitrum One: L1 ERC20 Gateway'),
    arbitrumSdk('0xcEe284F754E854890e311e3280b767F80797180d', 'Arbitrum One: L1 Custom Gateway'),
    arbitrumSdk('0xd92023E9d9911199a6711321D1277285e6d4e2db', 'Arbitrum One: L1 WETH Gateway'),
    // OP Mainnet and Base, L1 side: the standard bridge (ERC-20 escrow) and the portal (ETH deposits).
    superchain('0x99C9fc46f92E8a1c0deC1b1747d010903E884bE1', 'OP Mainnet: L1StandardBridge'),
    superchain('0xbEb5Fc579115071764c7423A4f12eDde41f106Ed', 'OP Mainnet: OptimismPortal'),
    superchain('0x3154Cf16ccdb4C6d922629664174b904d80F2C35', 'Base: L1StandardBridge'),
    superchain('0x49048044D57e1C92A77f79988d21Fa8fAF74E97e', 'Base: OptimismPortal'),
    // Polygon PoS bridge (the RootChainManager routes, the predicates hold the tokens) and the older Plasma bridge.
    polygon('0xA0c68C638235ee32657e8f720a23ceC1bFc77C77', 'Polygon PoS: RootChainManager'),
    polygon('0x40ec5B33f54e0E8A33A975908C5BA1c14e5BbbDf', 'Polygon PoS: ERC20Predicate'),
    polygon('0x8484Ef722627bf18ca5Ae6BcF031c23E6e922B30', 'Polygon PoS: EtherPredicate'),
    polygon('0x9923263fA127b3d1484cFD649df8f1831c2A74e4', 'Polygon PoS: MintableERC20Predicate'),
    polygon('0x401F6c983eA34274ec46f84D70b31C151321188b', 'Polygon Plasma: DepositManager'),
    polygon('0x2A88696e0fFA76bAA1338F2C74497cC013495922', 'Polygon Plasma: WithdrawManager'),
    across('0x5c7BCd6E7De5423a257D81B442095A1a6ced35C5', 'Across: SpokePool'),
    wormhole('0x3ee18B2214AFF97000D974cf647E7C347E8fa585', 'Wormhole: Token Bridge'),
  ],
  bsc: [wormhole('0xB6F6D86a8f9879A9c87f643768d9efc38c1Da6E7', 'Wormhole: Token Bridge')],
  polygon: [
    polygon('0xA6FA4fB5f76172d178d61B04b0ecd319C5d1C0aa', 'Polygon PoS: ChildChainManager'),
    across('0x9295ee1d8C5b022Be115A2AD3c30C72E34e7F096', 'Across: SpokePool'),
    wormhole('0x5a58505a96D1dbf8dF91cB21B54419FC36e93fdE', 'Wormhole: Token Bridge'),
  ],
  arbitrum: [
    arbitrumSdk('0x5288c571Fd7aD117beA99bF60FE0846C4E84F933', 'Arbitrum One: L2 Gateway Router'),
    arbitrumSdk('0x09e9222E96E7B4AE2a407B98d48e330053351EEe', 'Arbitrum One: L2 ERC20 Gateway'),
    arbitrumSdk('0x096760F208390250649E3e8763348E783AEF5562', 'Arbitrum One: L2 Custom Gateway'),
    arbitrumSdk('0x6c411aD3E74De3E7Bd422b94A27770f5B86C623B', 'Arbitrum One: L2 WETH Gateway'),
    across('0xe35e9842fceaCA96570B734083f4a58e8F7C5f2A', 'Across: SpokePool'),
    wormhole('0x0b2402144Bb366A632D14B83F244D2e0e21bD39c', 'Wormhole: Token Bridge'),
  ],
  optimism: [
    bridge(S.optimismBridgeTag)(L2_STANDARD_BRIDGE, 'OP Mainnet: L2StandardBridge'),
    across('0x6f26Bf09B1C792e3228e5467807a900A503c0281', 'Across: SpokePool'),
    wormhole('0x1D68124e65faFC907325e3EDbF8c4d84499DAa8b', 'Wormhole: Token Bridge'),
  ],
  base: [
    bridge(S.basePredeploys)(L2_STANDARD_BRIDGE, 'Base: L2StandardBridge'),
    across('0x09aea4b2242abC8bb4BB78D537A67a245A7bEC64', 'Across: SpokePool'),
    wormhole('0x8d2de8d2f73F1F4cAB472AC9A881C9b123C79627', 'Wormhole: Token Bridge'),
  ],
};
