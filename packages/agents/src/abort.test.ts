import { abortable } from './abort';

describe('abortable', () => {
  it('passes the value through when not aborted', async () => {
    await expect(abortable(Promise.resolve(7), new AbortController().signal)).resolves.toBe(7);
  });

  it('passes a rejection through', async () => {
    await expect(abortable(Promise.reject(new Error('rpc down')), new AbortController().signal)).rejects.toThrow('rpc down');
  });

  it('rejects with the signal reason when already aborted', async () => {
    const controller = new AbortController();
    controller.abort(new Error('job timed out'));
    await expect(abortable(new Promise(() => undefined), controller.signal)).rejects.toThrow('job timed out');
  });

  it('rejects as soon as the signal aborts, without waiting for the work', async () => {
    const controller = new AbortController();
    const pending = abortable(new Promise<number>((resolve) => setTimeout(() => resolve(1), 10_000).unref()), controller.signal);
    controller.abort();
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
  });
});
