/**
 * The running stack the seed document's E2E test talks to, and the account it logs in with.
 *
 * - The seed analyses an Ethereum address, so `ethereum` is served — by a second local anvil,
 *   since this machine has no mainnet RPC. On that chain the seed's address is an empty account;
 *   the agents read it like any other.
 * - The seed logs in as test@example.com / "test123", an account it assumes exists. The v1 API
 *   cannot create it (passwords need 12+ characters), so it is inserted into auth.users with an
 *   argon2id hash made by auth's own PasswordHasher — a fixture, as a seeded database would be.
 */
import { startAnvil, startLocalStack, type AnvilInstance, type LocalStack } from '@oca/testkit';
import { Client } from 'pg';
import { PasswordHasher } from '../../services/auth/src/services/password-hasher';

export const SEED_USER = { email: 'test@example.com', password: 'test123' };

let stack: LocalStack | undefined;
let ethereum: AnvilInstance | undefined;

/** The gateway's base URL once started: what the seed passes to supertest's `request(app)`. */
export let app = '';

export async function startSeedStack(): Promise<void> {
  ethereum = await startAnvil();
  stack = await startLocalStack({ GATEWAY_NETWORKS: 'devnet,ethereum', RPC_URL_ETHEREUM: ethereum.rpcUrl }, 'seed');
  app = stack.gatewayUrl;
  const client = new Client({ connectionString: stack.db.url });
  await client.connect();
  try {
    const hash = await new PasswordHasher().hash(SEED_USER.password);
    await client.query(`INSERT INTO auth.users (email, password_hash, role) VALUES ($1, $2, 'user')`, [SEED_USER.email, hash]);
  } finally {
    await client.end();
  }
}

export async function stopSeedStack(): Promise<void> {
  await stack?.close();
  await ethereum?.stop();
}
