/**
 * The benchmarks' ceiling: a bare fastify app in its own process (as the gateway is), so the load
 * generator does not share its event loop. POST /v1/jobs answers a constant 202 (submissions),
 * GET /v1/jobs/:id a constant 200 of a finished job's size (reads). Prints the port on stdout.
 */
import Fastify from 'fastify';
import type { AddressInfo } from 'node:net';

const app = Fastify({ logger: false });
app.post('/v1/jobs', async (_req, reply) => reply.status(202).send({ id: '00000000-0000-4000-8000-000000000000', status: 'queued' }));
const finished = { id: '00000000-0000-4000-8000-000000000000', status: 'succeeded', result: { data: 'x'.repeat(1500) } };
app.get('/v1/jobs/:id', async () => finished);
void app.listen({ port: 0, host: '127.0.0.1' }).then(() => {
  process.stdout.write(`${(app.server.address() as AddressInfo).port}\n`);
});
process.once('SIGTERM', () => void app.close().then(() => process.exit(0)));
