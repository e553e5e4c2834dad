/**
 * ShutdownManager's order and deadline. Stubbed at one seam: `exit` (process.exit in production),
 * so the deadline path runs without ending jest. The logger is a real pino logger writing to memory.
 */
import { createLogger } from './logger';
import { ShutdownManager, startOnce } from './shutdown';

function capture() {
  const lines: Array<{ msg: string; step?: string }> = [];
  const logger = createLogger({ service: 'test', level: 'info', destination: { write: (line: string) => void lines.push(JSON.parse(line)) } });
  return { logger, lines };
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

describe('ShutdownManager', () => {
  it('runs the steps in the order they were added, each after the previous one finished', async () => {
    const { logger } = capture();
    const ran: string[] = [];
    const exit = jest.fn();
    const shutdown = new ShutdownManager({ logger, exit })
      // The first step is the slowest: a manager running steps at once would finish it last.
      .add('readiness off', async () => {
        await sleep(30);
        ran.push('readiness off');
      })
      .add('consumers', () => {
        ran.push('consumers');
      })
      .add('connections', async () => {
        await sleep(5);
        ran.push('connections');
      });
    await shutdown.shutdown('test');
    expect(ran).toEqual(['readiness off', 'consumers', 'connections']);
    expect(exit).not.toHaveBeenCalled();
  });

  it('goes on after a failing step and logs which one failed', async () => {
    const { logger, lines } = capture();
    const ran: string[] = [];
    const shutdown = new ShutdownManager({ logger, exit: jest.fn() })
      .add('throws', () => {
        throw new Error('sync failure');
      })
      .add('rejects', () => Promise.reject(new Error('async failure')))
      .add('last', () => {
        ran.push('last');
      });
    await expect(shutdown.shutdown('test')).resolves.toBeUndefined();
    expect(ran).toEqual(['last']);
    expect(lines.filter((l) => l.msg === 'shutdown step failed').map((l) => l.step)).toEqual(['throws', 'rejects']);
    expect(lines.at(-1)?.msg).toBe('shutdown complete');
  });

  it('runs the steps once when shutdown is called twice; the second call awaits the first', async () => {
    const { logger } = capture();
    let runs = 0;
    let finished = false;
    const shutdown = new ShutdownManager({ logger, exit: jest.fn() }).add('count', async () => {
      runs += 1;
      await sleep(20);
      finished = true;
    });
    const first = shutdown.shutdown('SIGTERM');
    const second = shutdown.shutdown('SIGINT');
    await second;
    expect(finished).toBe(true);
    await first;
    await shutdown.shutdown('again');
    expect(runs).toBe(1);
  });

  it('exits with 1 when the steps outlast the deadline', async () => {
    const { logger, lines } = capture();
    let release!: () => void;
    const hung = new Promise<void>((resolve) => (release = resolve));
    const exited = new Promise<number>((resolve) => {
      const shutdown = new ShutdownManager({ logger, deadlineMs: 50, exit: resolve }).add('hangs', () => hung);
      void shutdown.shutdown('test');
    });
    await expect(exited).resolves.toBe(1);
    expect(lines.some((l) => l.msg === 'shutdown deadline passed; exiting')).toBe(true);
    release();
  });

  it('does not exit when the steps finish within the deadline', async () => {
    const { logger } = capture();
    const exit = jest.fn();
    await new ShutdownManager({ logger, deadlineMs: 50, exit }).add('quick', () => sleep(5)).shutdown('test');
    await sleep(100); // past the deadline: the timer must have been cleared
    expect(exit).not.toHaveBeenCalled();
  });
});

describe('startOnce', () => {
  it('boots once however often start is called, and shuts down what a failed boot opened before rethrowing', async () => {
    const shutdown = { shutdown: jest.fn(async () => undefined) };
    const boot = jest.fn(async () => undefined);
    const start = startOnce(boot, shutdown);
    await Promise.all([start(), start()]);
    await start();
    expect(boot).toHaveBeenCalledTimes(1);
    expect(shutdown.shutdown).not.toHaveBeenCalled();

    const failing = startOnce(async () => Promise.reject(new Error('port taken')), shutdown);
    await expect(failing()).rejects.toThrow('port taken');
    expect(shutdown.shutdown).toHaveBeenCalledWith('start failed');
  });
});
