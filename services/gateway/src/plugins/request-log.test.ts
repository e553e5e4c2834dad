/**
 * Request loggers built on first use (lazyRequestLoggers): the lines are the ones a per-request
 * pino child wrote (request id, redaction), and a request that writes nothing builds no child.
 * A bare fastify app with the service's logger (createLogger) writing into an array; nothing stubbed.
 */
import { createLogger } from '@oca/observability';
import Fastify, { type FastifyBaseLogger } from 'fastify';
import { DebugRequestLog, lazyRequestLoggers } from './request-log';

async function appAt(level: string) {
  const lines: Record<string, unknown>[] = [];
  const logger = createLogger({ service: 'test', level, destination: { write: (line: string) => void lines.push(JSON.parse(line)) } });
  const child = jest.spyOn(logger, 'child');
  const app = Fastify({ loggerInstance: logger as FastifyBaseLogger, logController: new DebugRequestLog(), childLoggerFactory: lazyRequestLoggers(), genReqId: () => 'req-1' });
  app.get('/quiet', async () => ({ ok: true }));
  app.get('/loud', async (request) => {
    request.log.warn({ password: 'hunter2', user: { token: 't' } }, 'something odd');
    request.log.child({ jobId: 'job-1' }).error('from a child');
    return { bindings: (request.log as unknown as { bindings(): object }).bindings() };
  });
  await app.ready();
  child.mockClear();
  return { app, lines, child };
}

it('writes the request id, redacted fields and a child’s bindings, as a pino child does', async () => {
  const { app, lines } = await appAt('warn');
  const res = await app.inject({ method: 'GET', url: '/loud' });
  expect(res.json()).toEqual({ bindings: { service: 'test', reqId: 'req-1' } });
  expect(lines).toEqual([
    expect.objectContaining({ level: 40, service: 'test', reqId: 'req-1', password: '[redacted]', user: { token: '[redacted]' }, msg: 'something odd' }),
    expect.objectContaining({ level: 50, reqId: 'req-1', jobId: 'job-1', msg: 'from a child' }),
  ]);
  await app.close();
});

it('builds no child for a request that writes nothing; at debug every request line has its id', async () => {
  const quiet = await appAt('warn');
  await quiet.app.inject({ method: 'GET', url: '/quiet' });
  expect(quiet.child).not.toHaveBeenCalled();
  expect(quiet.lines).toEqual([]);
  await quiet.app.close();

  const debug = await appAt('debug');
  await debug.app.inject({ method: 'GET', url: '/quiet', headers: { 'x-api-key': 'secret-key' } });
  expect(debug.lines.map((line) => [line.msg, line.reqId])).toEqual([
    ['incoming request', 'req-1'],
    ['request completed', 'req-1'],
  ]);
  expect(JSON.stringify(debug.lines)).not.toContain('secret-key');
  await debug.app.close();
});
