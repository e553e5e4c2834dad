import { parseAbi } from 'viem';

/**
 * The slices of token ABIs the agents read. `name`/`symbol` are declared as `string`; some early
 * tokens (MKR, SAI) return `bytes32`, which `decodeTokenText` handles from the raw return data.
 */
export const erc20Abi = parseAbi([
  'function name() view returns (string)',
  'function symbol() view returns (string)',
  'function decimals() view returns (uint8)',
  'function totalSupply() view returns (uint256)',
  'function balanceOf(address owner) view returns (uint256)',
  'function allowance(address owner, address spender) view returns (uint256)',
]);

export const erc165Abi = parseAbi(['function supportsInterface(bytes4 interfaceId) view returns (bool)']);

/** ERC-721 with the optional metadata and enumerable extensions. */
export const erc721Abi = parseAbi([
  'function name() view returns (string)',
  'function symbol() view returns (string)',
  'function totalSupply() view returns (uint256)',
  'function balanceOf(address owner) view returns (uint256)',
  'function ownerOf(uint256 tokenId) view returns (address)',
  'function tokenURI(uint256 tokenId) view returns (string)',
]);

/** ERC-1155 with the metadata URI extension. */
export const erc1155Abi = parseAbi([
  'function uri(uint256 id) view returns (string)',
  'function balanceOf(address account, uint256 id) view returns (uint256)',
]);

/** EIP-1967 beacon: the implementation every proxy behind it delegates to. */
export const beaconAbi = parseAbi(['function implementation() view returns (address)']);

/** ERC-165 interface ids (`bytes4`), from the EIPs. */
export const INTERFACE_IDS = {
  erc165: '0x01ffc9a7',
  /** ERC-165 requires `supportsInterface(0xffffffff)` to be false. */
  invalid: '0xffffffff',
  erc721: '0x80ac58cd',
  erc721Metadata: '0x5b5e139f',
  erc1155: '0xd9b67a26',
  erc1155MetadataUri: '0x0e89341c',
} as const;
