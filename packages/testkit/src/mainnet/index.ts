export { compileMulticall3, MULTICALL3_ADDRESS, startMainnetShapedAnvil, type MainnetShapedAnvil, type MainnetShapedOptions } from './mainnet-chain';
export { PROVIDER_PROFILES, providerProfile, type ProviderProfile, type ProviderProfileName } from './provider-profiles';
export { placeContract, placeEthereumDex, type EthereumDexLayout } from './canonical-layout';
