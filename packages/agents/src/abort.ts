/**
 * Settles with `promise`, or rejects with `signal.reason` as soon as the signal aborts. viem's read
 * actions take no AbortSignal, so an aborted request keeps running to its HTTP timeout in the
 * background; the agent just stops waiting for it. Its late rejection is consumed here.
 */
export function abortable<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) {
    promise.catch(() => undefined);
    return Promise.reject(signal.reason);
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (err: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(err);
      },
    );
  });
}
