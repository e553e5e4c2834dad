import { readFileSync } from 'node:fs';
import { compileSolidity, type CompiledContract } from '../solc';

/** Seaport 1.6 and its conduit controller, as npm `seaport-core` ships their sources. */
const SEAPORT_SOURCES = ['seaport-core/src/Seaport.sol', 'seaport-core/src/conduit/ConduitController.sol'];

/**
 * Seaport compiled from `seaport-core`'s own sources with the testkit's solc (0.8.26 meets its
 * `^0.8.24` pragma; optimizer on, legacy code generation: the runtime fits the 24 KiB limit, so
 * no via-IR build is needed). Takes about 15 s the first time, then comes from the solc cache.
 * Imports (`seaport-types/src/...`, relative ones) resolve through node_modules.
 */
export function compileSeaport(): { seaport: CompiledContract; conduitController: CompiledContract } {
  const sources = Object.fromEntries(SEAPORT_SOURCES.map((s) => [s, readFileSync(require.resolve(s), 'utf8')]));
  const out = compileSolidity({ sources });
  return { seaport: out.Seaport!, conduitController: out.ConduitController! };
}

const SOURCES = {
  'OcaCritters.sol': `// SPDX-License-Identifier: MIT
pragma solidity 0.8.26;
import "@openzeppelin/contracts/token/ERC721/ERC721.sol";
import "@openzeppelin/contracts/utils/Base64.sol";
import "@openzeppelin/contracts/utils/Strings.sol";

/// An ERC-721 whose metadata lives on chain: tokenURI is a data: URI of base64 JSON with the
/// token's traits (a token without a hat has no Hat attribute). The minter may point a token at
/// an off-chain URI instead.
contract OcaCritters is ERC721 {
    struct Traits { string background; string body; string hat; }
    mapping(uint256 => Traits) private _traits;
    mapping(uint256 => string) private _uris;
    uint256 public totalSupply;
    address public immutable minter;

    constructor() ERC721("OCA Critters", "CRIT") { minter = msg.sender; }

    function mint(address to, string calldata background, string calldata body, string calldata hat) external returns (uint256 id) {
        require(msg.sender == minter, "CRIT: not minter");
        id = ++totalSupply;
        _traits[id] = Traits(background, body, hat);
        _mint(to, id);
    }

    function setTokenUri(uint256 id, string calldata uri) external {
        require(msg.sender == minter, "CRIT: not minter");
        _uris[id] = uri;
    }

    function tokenURI(uint256 id) public view override returns (string memory) {
        _requireMinted(id);
        if (bytes(_uris[id]).length > 0) return _uris[id];
        Traits storage t = _traits[id];
        string memory attrs = string.concat('{"trait_type":"Background","value":"', t.background, '"},{"trait_type":"Body","value":"', t.body, '"}');
        if (bytes(t.hat).length > 0) attrs = string.concat(attrs, ',{"trait_type":"Hat","value":"', t.hat, '"}');
        bytes memory json = abi.encodePacked('{"name":"OCA Critter #', Strings.toString(id), '","attributes":[', attrs, ']}');
        return string.concat("data:application/json;base64,", Base64.encode(json));
    }
}
`,
  'DirectSale.sol': `// SPDX-License-Identifier: MIT
pragma solidity 0.8.26;

interface IERC721Move { function transferFrom(address from, address to, uint256 id) external; }
interface IERC1155Move {
    function safeTransferFrom(address from, address to, uint256 id, uint256 amount, bytes calldata data) external;
    function safeBatchTransferFrom(address from, address to, uint256[] calldata ids, uint256[] calldata amounts, bytes calldata data) external;
}
interface IERC20Pull { function transferFrom(address from, address to, uint256 amount) external returns (bool); }

/// Direct payment sales for the devnet (no order book, no seller signature: a test fixture, never
/// deploy it): the NFT and its payment move in one transaction, paid in ETH or an ERC-20.
contract DirectSale {
    function buyWithEth(address nft, uint256 id, address payable seller) external payable {
        IERC721Move(nft).transferFrom(seller, msg.sender, id);
        _pay(seller);
    }

    function buyWithToken(address nft, uint256 id, address seller, address token, uint256 amount) external {
        require(IERC20Pull(token).transferFrom(msg.sender, seller, amount), "DirectSale: payment failed");
        IERC721Move(nft).transferFrom(seller, msg.sender, id);
    }

    /// ERC-1155 units of one id (a TransferSingle) for ETH.
    function buy1155WithEth(address nft, uint256 id, uint256 amount, address payable seller) external payable {
        IERC1155Move(nft).safeTransferFrom(seller, msg.sender, id, amount, "");
        _pay(seller);
    }

    /// ERC-1155 units of several ids (a TransferBatch) for one ETH payment.
    function buy1155BatchWithEth(address nft, uint256[] calldata ids, uint256[] calldata amounts, address payable seller) external payable {
        IERC1155Move(nft).safeBatchTransferFrom(seller, msg.sender, ids, amounts, "");
        _pay(seller);
    }

    function _pay(address payable seller) private {
        (bool ok, ) = seller.call{value: msg.value}("");
        require(ok, "DirectSale: payment failed");
    }
}
`,
  'OcaBadges.sol': `// SPDX-License-Identifier: MIT
pragma solidity 0.8.26;
import "@openzeppelin/contracts/token/ERC1155/ERC1155.sol";

/// An ERC-1155 collection whose metadata is off chain: uri(id) is one ipfs:// template with the
/// ERC-1155 {id} placeholder (64 hex digits, filled in by clients). No totalSupply().
contract OcaBadges is ERC1155 {
    string public constant name = "OCA Badges";
    string public constant symbol = "BADGE";
    address public immutable minter;

    constructor(string memory uri_) ERC1155(uri_) { minter = msg.sender; }

    function mint(address to, uint256 id, uint256 amount) external {
        require(msg.sender == minter, "BADGE: not minter");
        _mint(to, id, amount, "");
    }

    function mintBatch(address to, uint256[] calldata ids, uint256[] calldata amounts) external {
        require(msg.sender == minter, "BADGE: not minter");
        _mintBatch(to, ids, amounts, "");
    }
}
`,
  'FlashBuyer.sol': `// SPDX-License-Identifier: MIT
pragma solidity 0.8.26;

interface IV3Flash {
    function token0() external view returns (address);
    function flash(address recipient, uint256 amount0, uint256 amount1, bytes calldata data) external;
}
interface IERC20Min {
    function approve(address spender, uint256 amount) external returns (bool);
    function transfer(address to, uint256 amount) external returns (bool);
}
interface IDirectSale { function buyWithToken(address nft, uint256 id, address seller, address token, uint256 amount) external; }

/// Buys an ERC-721 with WETH borrowed through a Uniswap V3 pool's flash() and repays the loan and
/// its fee in the same transaction (from WETH it holds): the shape of a flash-loan wash trade.
/// A test fixture, never deploy it.
contract FlashBuyer {
    address public immutable owner;
    address private pending;

    constructor() { owner = msg.sender; }

    function buy(address pool, address directSale, address nft, uint256 id, address seller, address weth, uint256 price) external {
        require(msg.sender == owner, "FlashBuyer: not owner");
        pending = pool;
        bool wethIs0 = IV3Flash(pool).token0() == weth;
        IV3Flash(pool).flash(address(this), wethIs0 ? price : 0, wethIs0 ? 0 : price, abi.encode(directSale, nft, id, seller, weth, price));
        pending = address(0);
    }

    function uniswapV3FlashCallback(uint256 fee0, uint256 fee1, bytes calldata data) external {
        require(msg.sender == pending, "FlashBuyer: not the pool");
        (address directSale, address nft, uint256 id, address seller, address weth, uint256 price) = abi.decode(data, (address, address, uint256, address, address, uint256));
        IERC20Min(weth).approve(directSale, price);
        IDirectSale(directSale).buyWithToken(nft, id, seller, weth, price);
        require(IERC20Min(weth).transfer(msg.sender, price + fee0 + fee1), "FlashBuyer: repay failed");
    }
}
`,
};

/** The NFT scenario's own contracts: the collections, the direct-sale helper and the flash-loan buyer. */
export function compileNftContracts(): { critters: CompiledContract; badges: CompiledContract; directSale: CompiledContract; flashBuyer: CompiledContract } {
  const out = compileSolidity({ sources: SOURCES });
  return { critters: out.OcaCritters!, badges: out.OcaBadges!, directSale: out.DirectSale!, flashBuyer: out.FlashBuyer! };
}
