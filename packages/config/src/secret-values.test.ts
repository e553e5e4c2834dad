import { secretValues } from './secret-values';

describe('secretValues', () => {
  it('collects connection passwords (raw and decoded), private keys and RPC API keys', () => {
    const values = secretValues({
      AMQP_URL: 'amqps://oca:mq%2Fpass@mq:5671',
      DATABASE_URL: 'postgres://oca:dbpass1@db/oca',
      REDIS_URL: 'redis://127.0.0.1:6379',
      AUTH_SIGNING_KEY: '-----BEGIN PRIVATE KEY-----\nMC4CAQ\n-----END PRIVATE KEY-----',
      rpcUrls: { ethereum: ['https://eth-mainnet.example/v2/0123456789abcdef0123', 'https://rpc.example/?apikey=fedcba9876543210fedc', 'http://127.0.0.1:8545'] },
    });
    expect(values.sort()).toEqual(
      [
        'mq%2Fpass',
        'mq/pass',
        'dbpass1',
        '-----BEGIN PRIVATE KEY-----\nMC4CAQ\n-----END PRIVATE KEY-----',
        '0123456789abcdef0123',
        'fedcba9876543210fedc',
      ].sort(),
    );
  });

  it('finds nothing in the development defaults', () => {
    expect(secretValues({ REDIS_URL: 'redis://127.0.0.1:6379', DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/oca' })).toEqual([]);
  });
});
