/**
 * The machine's RabbitMQ has no TLS listener, so this proves only the client side of amqps://:
 * a TLS server with the test PKI stands where the broker would be and records each handshake.
 * The Broker must trust exactly the CA it is given and present its client certificate; the AMQP
 * handshake then fails (the stand-in speaks no AMQP), which is expected.
 */
import { rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import tls from 'node:tls';
import { createLogger } from '@oca/observability';
import { createTestPki, type TestPki } from '@oca/testkit';
import { Broker } from '../src';

const logger = createLogger({ service: 'amqp-tls-test', level: 'silent' });

let pki: TestPki;
let otherPki: TestPki;
let server: tls.Server;
let port: number;
const handshakes: { authorized: boolean; clientCn: string }[] = [];

beforeAll(async () => {
  pki = createTestPki('amqp-tls');
  otherPki = createTestPki('amqp-tls-other', 'Some Other CA');
  server = tls.createServer({ cert: pki.serverCert, key: pki.serverKey, ca: pki.ca, requestCert: true, rejectUnauthorized: false }, (socket) => {
    handshakes.push({ authorized: socket.authorized, clientCn: String(socket.getPeerCertificate()?.subject?.CN) });
    socket.destroy();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  for (const dir of [pki?.dir, otherPki?.dir]) if (dir) rmSync(dir, { recursive: true, force: true });
});

const connect = (tlsOptions: { ca?: string; cert?: string; key?: string }) =>
  Broker.connect({ url: `amqps://oca:secret-pw@localhost:${port}`, tls: tlsOptions, connectionName: 'tls-test', logger, connectTimeoutMs: 1_500, reconnectDelayMs: 300 }).catch(
    (err: Error) => err,
  );

describe('Broker over amqps://', () => {
  it('completes the TLS handshake trusting the given CA and presents the client certificate', async () => {
    handshakes.length = 0;
    const err = await connect({ ca: pki.ca, cert: pki.clientCert, key: pki.clientKey });
    expect(err).toBeInstanceOf(Error);
    expect(handshakes[0]).toEqual({ authorized: true, clientCn: 'oca-test-client' });
    expect((err as Error).message).not.toContain('secret-pw');
  });

  it('refuses a broker certificate from a CA it was not given', async () => {
    handshakes.length = 0;
    const err = await connect({ ca: otherPki.ca });
    expect((err as Error).message).toMatch(/self[- ]signed|unable to verify|certificate/i);
    expect(handshakes).toEqual([]);
  });
});
