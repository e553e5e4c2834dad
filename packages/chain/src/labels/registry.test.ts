import { NETWORKS } from '@oca/contracts';
import { getAddress, zeroAddress } from 'viem';
import { LP_LOCKERS } from '../lp-lockers';
import { ADDRESS_LABELS, DEVNET_EXCHANGE_WALLET, labelOf } from '.';

describe('address labels', () => {
  it.each(NETWORKS)('%s: every address is EIP-55 checksummed and every entry names its source', (network) => {
    for (const label of ADDRESS_LABELS[network]) {
      // A mistyped address almost never passes the checksum; a lower-case one would skip the check.
      expect({ name: label.name, address: getAddress(label.address) }).toEqual({ name: label.name, address: label.address });
      expect(label.source.length).toBeGreaterThan(10);
      expect(label.name.trim()).not.toBe('');
    }
  });

  it.each(NETWORKS)('%s: no address carries two labels', (network) => {
    const seen = new Map<string, string>();
    for (const label of ADDRESS_LABELS[network]) {
      const key = label.address.toLowerCase();
      const earlier = seen.get(key);
      if (earlier !== undefined) throw new Error(`${network}: ${label.address} is labelled "${earlier}" and "${label.name}" (${label.kind})`);
      seen.set(key, `${label.name} (${label.kind})`);
    }
  });

  it('finds labels whatever the case of the address, per network', () => {
    expect(labelOf('ethereum', '0x28c6c06298d514db089934071355e5743bf21d60')).toMatchObject({ name: 'Binance 14', kind: 'exchange' });
    expect(labelOf('ethereum', '0x910CBD523D972EB0A6F4CAE4618AD62622B39DBF')?.kind).toBe('mixer');
    expect(labelOf('bsc', '0x28C6c06298d514Db089934071355E5743bf21d60')).toBeUndefined();
    expect(labelOf('devnet', DEVNET_EXCHANGE_WALLET)?.kind).toBe('exchange');
    expect(labelOf('base', '0x1111111111111111111111111111111111111111')).toBeUndefined();
  });

  it('labels the burn sinks and the known LP lockers on every network', () => {
    for (const network of NETWORKS) {
      expect(labelOf(network, zeroAddress)?.kind).toBe('burn');
      expect(labelOf(network, '0x000000000000000000000000000000000000dead')?.kind).toBe('burn');
      for (const locker of LP_LOCKERS[network]) expect(labelOf(network, locker.address)).toMatchObject({ kind: 'locker', name: locker.name });
    }
  });
});
