/**
 * runService and installSignalHandlers. Stubbed at their seams: `exit` (process.exit), `source`
 * (an EventEmitter standing in for `process`, so no real signal reaches jest) and `stderr`.
 */
import { EventEmitter } from 'node:events';
import { runService } from './run-service';
import { installSignalHandlers } from './signals';

/** Resolves with the exit code the first time `exit` is called. */
function exitProbe() {
  let resolve!: (code: number) => void;
  const code = new Promise<number>((r) => (resolve = r));
  return { exit: jest.fn((c: number) => resolve(c)), code };
}

describe('installSignalHandlers', () => {
  it.each(['SIGTERM', 'SIGINT'] as const)('%s stops the app with the signal as reason, then exits 0', async (signal) => {
    const source = new EventEmitter();
    const { exit, code } = exitProbe();
    const stop = jest.fn(async () => undefined);
    installSignalHandlers(stop, { source, exit });
    source.emit(signal);
    await expect(code).resolves.toBe(0);
    expect(stop).toHaveBeenCalledWith(signal);
  });

  it('exits 1 when stop throws', async () => {
    const source = new EventEmitter();
    const { exit, code } = exitProbe();
    installSignalHandlers(() => Promise.reject(new Error('stuck')), { source, exit });
    source.emit('SIGTERM');
    await expect(code).resolves.toBe(1);
  });

  it('handles each signal once and can be removed', () => {
    const source = new EventEmitter();
    const remove = installSignalHandlers(async () => undefined, { source, exit: jest.fn() });
    expect(source.listenerCount('SIGTERM')).toBe(1);
    source.emit('SIGTERM');
    expect(source.listenerCount('SIGTERM')).toBe(0);
    expect(source.listenerCount('SIGINT')).toBe(1);
    remove();
    expect(source.listenerCount('SIGINT')).toBe(0);
  });
});

describe('runService', () => {
  it('starts the app, then stops it on SIGTERM', async () => {
    const source = new EventEmitter();
    const { exit, code } = exitProbe();
    const stop = jest.fn(async () => undefined);
    await runService('svc', async () => ({ stop }), { source, exit });
    expect(stop).not.toHaveBeenCalled();
    source.emit('SIGTERM');
    await expect(code).resolves.toBe(0);
    expect(stop).toHaveBeenCalledWith('SIGTERM');
  });

  it('reports a failed start with the service name and exits 1, with no signal handlers left', async () => {
    const source = new EventEmitter();
    const { exit, code } = exitProbe();
    const written: string[] = [];
    await runService('svc', () => Promise.reject(new Error('database unreachable')), {
      source,
      exit,
      stderr: { write: (text: string) => written.push(text) },
    });
    await expect(code).resolves.toBe(1);
    expect(written).toEqual(['svc failed to start: database unreachable\n']);
    expect(source.listenerCount('SIGTERM')).toBe(0);
  });
});
