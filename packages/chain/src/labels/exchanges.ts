import type { Network } from '@oca/contracts';
import type { AddressLabel } from './types';
import { LABEL_SOURCES as S } from './sources';

type Mainnet = Exclude<Network, 'devnet'>;

const exchange = (source: string) => (address: AddressLabel['address'], name: string): AddressLabel => ({ address, name, kind: 'exchange', source });

const binanceEtherscan = exchange(S.etherscanBinance);
const coinbaseEtherscan = exchange(S.etherscanCoinbase);
/** Named as Dune names them; the address is also in Etherscan's file for the same exchange. */
const duneAndEtherscan = exchange(`${S.duneCex}; in ${S.etherscanExchangeFiles}`);
/** Placed on a network by that network's explorer tags; named as Dune names them (the two agree on the exchange). */
const onExplorer = (explorer: string) => exchange(`${explorer}; ${S.duneCex}`);
/** Placed on a network by DefiLlama's reserve adapter; named as Dune's list names them. */
const okx = exchange(`${S.defiLlamaOkx}; ${S.duneCex}`);
const bybit = exchange(`${S.defiLlamaBybit}; ${S.duneCex}`);

/**
 * Exchanges' hot and cold wallets per network. An address is listed only where two independent
 * lists agree on the exchange (Dune's curated CEX lists, and an explorer's name tags, DefiLlama's
 * reserve wallets or another label set); names follow Dune's numbering except the older
 * Etherscan-named Binance and Coinbase entries and the KuCoin entries (their explorer's names).
 * A network's list holds what a source places on that network (an explorer's tags, Dune's per-network
 * list, DefiLlama's per-chain reserve wallets). A deposit address (one per customer) is not here: the
 * forensics agent infers those.
 */
export const EXCHANGE_LABELS: Readonly<Record<Mainnet, readonly AddressLabel[]>> = {
  ethereum: [
    binanceEtherscan('0x28C6c06298d514Db089934071355E5743bf21d60', 'Binance 14'),
    binanceEtherscan('0x21a31Ee1afC51d94C2eFcCAa2092aD1028285549', 'Binance 15'),
    binanceEtherscan('0xDFd5293D8e347dFe59E90eFd55b2956a1343963d', 'Binance 16'),
    binanceEtherscan('0x56Eddb7aa87536c09CCc2793473599fD21A8b17F', 'Binance 17'),
    binanceEtherscan('0x9696f59E4d72E237BE84fFD425DCaD154Bf96976', 'Binance 18'),
    binanceEtherscan('0xBE0eB53F46cd790Cd13851d5EFf43D12404d33E8', 'Binance 7'),
    binanceEtherscan('0xF977814e90dA44bFA03b6295A0616a897441aceC', 'Binance 8'),
    binanceEtherscan('0x3f5CE5FBFe3E9af3971dD833D26bA9b5C936f0bE', 'Binance'),
    coinbaseEtherscan('0x71660c4005BA85c37ccec55d0C4493E66Fe775d3', 'Coinbase 1'),
    coinbaseEtherscan('0x503828976D22510aad0201ac7EC88293211D23Da', 'Coinbase 2'),
    coinbaseEtherscan('0xddfAbCdc4D8FfC6d5beaf154f18B778f892A0740', 'Coinbase 3'),
    coinbaseEtherscan('0x3cD751E6b0078Be393132286c442345e5DC49699', 'Coinbase 4'),
    coinbaseEtherscan('0xb5d85CBf7cB3EE0D56b3bB207D5Fc4B82f43F511', 'Coinbase 5'),
    coinbaseEtherscan('0xeB2629a2734e272Bcc07BDA959863f316F4bD4Cf', 'Coinbase 6'),
    coinbaseEtherscan('0xA9D1e08C7793af67e9d92fe308d5697FB81d3E43', 'Coinbase 10'),
    duneAndEtherscan('0x6cC5F688a315f3dC28A7781717a9A798a59fDA7b', 'OKX 1'),
    duneAndEtherscan('0x461249076B88189f8AC9418De28B365859E46BfD', 'OKX 9'),
    duneAndEtherscan('0xc708A1c712bA26DC618f972ad7A187F76C8596Fd', 'OKX 13'),
    duneAndEtherscan('0xf59869753f41Db720127Ceb8DbB8afAF89030De4', 'OKX 15'),
    duneAndEtherscan('0x5C52cC7c96bDE8594e5B77D5b76d042CB5FaE5f2', 'OKX 18'),
    duneAndEtherscan('0x2910543Af39abA0Cd09dBb2D50200b3E800A63D2', 'Kraken 1'),
    duneAndEtherscan('0x0A869d79a7052C7f1b55a8EbAbbEa3420F0D1E13', 'Kraken 2'),
    duneAndEtherscan('0xE853c56864A2ebe4576a807D26Fdc4A0adA51919', 'Kraken 3'),
    duneAndEtherscan('0xFa52274DD61E1643d2205169732f29114BC240b3', 'Kraken 5'),
    duneAndEtherscan('0x53d284357ec70cE289D6D64134DfAc8E511c8a3D', 'Kraken 6'),
    duneAndEtherscan('0xAe2D4617c862309A3d75A0fFB358c7a5009c673F', 'Kraken 10'),
    duneAndEtherscan('0xDA9dfA130Df4dE4673b89022EE50ff26f6EA73Cf', 'Kraken 13'),
    duneAndEtherscan('0xA83B11093c858c86321FBc4c20FE82cdbd58E09E', 'Kraken 14'),
    duneAndEtherscan('0x61EDCDf5bb737ADffE5043706e7C5bb1f1a56eEA', 'Gemini 3'),
    duneAndEtherscan('0xb302BFE9c246c6e150AF70b1cAAA5e3Df60dAc05', 'Gemini 5'),
    duneAndEtherscan('0x8D6F396D210d385033b348bCae9e4f9Ea4e045bD', 'Gemini 6'),
    duneAndEtherscan('0xD69B0089D9CA950640F5DC9931A41a5965f00303', 'Gemini 7'),
    bybit('0x1Db92e2EeBC8E0c075a02BeA49a2935BcD2dFCF4', 'Bybit 1'),
    bybit('0xA7A93fd0a276fc1C0197a5B5623eD117786eeD06', 'Bybit 2'),
    bybit('0xee5B5B923fFcE93A870B3104b7CA09c3db80047A', 'Bybit 4'),
    bybit('0xf89d7b9c864f589bbF53a82105107622B35EaA40', 'Bybit 5'),
    exchange(`${S.duneCex}; ${S.bybitBase}`)('0xBaeD383EDE0e5d9d72430661f3285DAa77E9439F', 'Bybit 6'),
  ],
  bsc: [
    onExplorer(S.bscscanExchange)('0xF977814e90dA44bFA03b6295A0616a897441aceC', 'Binance 8'),
    onExplorer(S.bscscanExchange)('0x515b72Ed8a97F42C568D6A143232775018f133C8', 'Binance 43'),
    onExplorer(S.bscscanExchange)('0x631Fc1EA2270e98fbD9D92658eCe0F5a269Aa161', 'Binance 44'),
    onExplorer(S.bscscanExchange)('0xBD612a3f30dcA67bF60a39Fd0D35e39B7aB80774', 'Binance 45'),
    onExplorer(S.bscscanExchange)('0x161bA15A5f335c9f06BB5BbB0A9cE14076FBb645', 'Binance 46'),
    onExplorer(S.bscscanExchange)('0x3c783c21a0383057D128bae431894a5C19F9Cf06', 'Binance 47'),
    onExplorer(S.bscscanExchange)('0xB1256D6b31E4Ae87DA1D56E5890C66be7f1C038e', 'Binance 50'),
    onExplorer(S.bscscanExchange)('0x8894E0a0c962CB723c1976a4421c95949bE2D4E3', 'Binance 51'),
    onExplorer(S.bscscanExchange)('0x01C952174C24E1210d26961D456A77A39e1F0BB0', 'Binance 52'),
    onExplorer(S.bscscanExchange)('0x17B692ae403a8Ff3a3B2eD7676cF194310ddE9Af', 'Binance 57'),
    onExplorer(S.bscscanExchange)('0x8fF804cc2143451F454779A40DE386F913dCff20', 'Binance 58'),
    onExplorer(S.bscscanExchange)('0xAD9ffffd4573b642959D3B854027735579555Cbc', 'Binance 59'),
    onExplorer(S.bscscanExchange)('0x7a8A34DB9acD10C3b6277473b192FE47192569cA', 'Binance 60'),
    onExplorer(S.bscscanExchange)('0xEB2d2F1b8c558a40207669291Fda468E50c8A0bB', 'Binance Withdrawals 1'),
    onExplorer(S.bscscanExchange)('0xdccF3B77dA55107280bd850ea519DF3705D1a75a', 'Binance Withdrawals 2'),
    onExplorer(S.bscscanExchange)('0xa180Fe01B906A1bE37BE6c534a3300785b20d947', 'Binance Withdrawals 3'),
    onExplorer(S.bscscanExchange)('0x29bDfbf7D27462a2d115748ace2bd71A2646946c', 'Binance Withdrawals 4'),
    onExplorer(S.bscscanExchange)('0x1FBe2AcEe135D991592f167Ac371f3DD893A508B', 'Binance Withdrawals 5'),
    onExplorer(S.bscscanExchange)('0x73f5ebe90f27B46ea12e5795d16C4b408B19cc6F', 'Binance Withdrawals 6'),
    onExplorer(S.bscscanExchange)('0xe2fc31F816A9b94326492132018C3aEcC4a93aE1', 'Binance Withdrawals 7'),
    onExplorer(S.bscscanExchange)('0x0D0707963952f2fBA59dD06f2b425ace40b492Fe', 'Gate.io 1'),
    onExplorer(S.bscscanExchange)('0x328130164d0F2B9D7a52edC73b3632e713ff0ec6', 'BitMart 5'),
    onExplorer(S.bscscanExchange)('0x8c128DBA2cB66399341AA877315BE1054be75da8', 'BitMart 12'),
    exchange(`${S.bscscanExchange}; ${S.defiLlamaKucoin}`)('0x53f78A071d04224B8e254E243fFfc6D9f2f3Fa23', 'KuCoin: Hot Wallet 2'),
    bybit('0xee5B5B923fFcE93A870B3104b7CA09c3db80047A', 'Bybit 4'),
    bybit('0xf89d7b9c864f589bbF53a82105107622B35EaA40', 'Bybit 5'),
  ],
  polygon: [
    onExplorer(S.polygonscanBinance)('0xF977814e90dA44bFA03b6295A0616a897441aceC', 'Binance 8'),
    onExplorer(S.polygonscanBinance)('0xe7804c37c13166fF0b37F5aE0BB07A3aEbb6e245', 'Binance 48'),
    onExplorer(S.polygonscanBinance)('0x082489A616aB4D46d1947eE3F912e080815b08DA', 'Binance 53'),
    onExplorer(S.polygonscanExchange)('0xd70250731A72C33BFB93016E3D1F0CA160dF7e42', 'HTX 48'),
    bybit('0xf89d7b9c864f589bbF53a82105107622B35EaA40', 'Bybit 5'),
    okx('0x06959153B974D0D5fDfd87D561db6d8d4FA0bb0B', 'OKX 36'),
    okx('0xF81233a61C0D6D13C6FE504DDbbA3E2630eA0c5c', 'OKX 50'),
    okx('0xbE787D53E09822cC42bfB4ABE1fb4492CAe3D19d', 'OKX 51'),
    okx('0x41205307b6618F03bE2d95747a07311456bdb143', 'OKX 52'),
  ],
  arbitrum: [
    onExplorer(S.arbiscanExchange)('0xB38e8c17e38363aF6EbdCb3dAE12e0243582891D', 'Binance 54'),
    // KuCoin: Arbiscan's tags, Dune's Arbitrum list (its names) and DefiLlama's KuCoin adapter agree.
    exchange(`${S.arbiscanKucoin}; ${S.duneArbitrumCex}; ${S.defiLlamaKucoin}`)('0xD6216fC19DB775Df9774a6E33526131dA7D19a2c', 'KuCoin 1'),
    exchange(`${S.arbiscanKucoin}; ${S.duneArbitrumCex}; ${S.defiLlamaKucoin}`)('0x03E6FA590CAdcf15A38e86158E9b3D06FF3399Ba', 'KuCoin 2'),
    exchange(`${S.arbiscanKucoin}; ${S.duneArbitrumCex}; ${S.defiLlamaKucoin}`)('0xF3F094484eC6901FfC9681bCb808B96bAFd0b8a8', 'KuCoin 3'),
    bybit('0xf89d7b9c864f589bbF53a82105107622B35EaA40', 'Bybit 5'),
    okx('0xBf94F0AC752C739F623C463b5210a7fb2cbb420B', 'OKX 24'),
    okx('0x0938C63109801Ee4243a487aB84DFfA2Bba4589e', 'OKX 35'),
    okx('0x62383739D68Dd0F844103Db8dFb05a7EdED5BBE6', 'OKX 40'),
    okx('0xED55E0d547FD2fA53Aa64F587B21A9caa9E2D90f', 'OKX 44'),
    okx('0x88288100c2005c5cE9B06956BeD357F3CcC95b9E', 'OKX 45'),
    okx('0x42Cf18596EE08E877d532Df1b7cF763059A7EA57', 'OKX 46'),
    okx('0xB8B0b53b387B061Af2717D642961Af405c79e85A', 'OKX 47'),
  ],
  optimism: [
    onExplorer(S.optimismExchange)('0xacD03D601e5bB1B275Bb94076fF46ED9D753435A', 'Binance 55'),
    // KuCoin: OP Etherscan's tags (its names) and DefiLlama's KuCoin adapter agree.
    exchange(`${S.optimismKucoin}; ${S.defiLlamaKucoin}`)('0xa3f45e619cE3AAe2Fa5f8244439a66B203b78bCc', 'KuCoin'),
    exchange(`${S.optimismKucoin}; ${S.defiLlamaKucoin}`)('0xEBb8EA128BbdFf9a1780A4902A9380022371d466', 'KuCoin 2'),
    exchange(`${S.optimismKucoin}; ${S.defiLlamaKucoin}`)('0xD6216fC19DB775Df9774a6E33526131dA7D19a2c', 'KuCoin 3'),
    okx('0x2D2cC0eB095e43204E0C087E07Dbf95909650939', 'OKX 39'),
    okx('0xEbe80f029b1c02862B9E8a70a7e5317C06F62Cae', 'OKX 42'),
    okx('0x42Cf18596EE08E877d532Df1b7cF763059A7EA57', 'OKX 46'),
    okx('0x88956282d52Eee0aE1Bf8Eaf98Bc6Eac2250B681', 'OKX 54'),
    okx('0x7332CD352a84673F1413416ef2E321e17df59844', 'OKX 55'),
    okx('0x5FF13e9A3EEd7a2Dbcb1Dfa21dfB1c07F3419277', 'OKX 57'),
    okx('0x8D371bC560246Dc632C4e707707d85d2E568A832', 'OKX 158'),
  ],
  base: [onExplorer(S.bybitBase)('0xBaeD383EDE0e5d9d72430661f3285DAa77E9439F', 'Bybit 6'), okx('0x39591E7c099A379FD7b349EbFeCaeEF439c40454', 'OKX 162')],
};
