import { runTask } from './run-task';

describe('runTask', () => {
  it('exits 0 once the task resolves', async () => {
    const exit = jest.fn();
    const task = jest.fn(async () => ['0001_init']);
    await runTask('migrate', task, { exit });
    expect(task).toHaveBeenCalledTimes(1);
    expect(exit).toHaveBeenCalledWith(0);
  });

  it.each([
    ['an Error', new Error('connection refused'), 'connection refused'],
    ['anything else', 'lock timeout', 'lock timeout'],
  ])('reports %s with the command name and exits 1', async (_what, reason, message) => {
    const exit = jest.fn();
    const written: string[] = [];
    await runTask('gateway migrations', () => Promise.reject(reason), { exit, stderr: { write: (t: string) => written.push(t) } });
    expect(written).toEqual([`gateway migrations failed: ${message}\n`]);
    expect(exit).toHaveBeenCalledWith(1);
    expect(exit).toHaveBeenCalledTimes(1);
  });
});
