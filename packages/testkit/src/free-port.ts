import { createServer } from 'node:net';

/**
 * Asks the OS for a free TCP port on 127.0.0.1 by listening on port 0 and closing again. Another
 * process may take the port before the caller binds it; callers retry on bind failure.
 */
export function findFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => (port > 0 ? resolve(port) : reject(new Error('could not read the listening port'))));
    });
  });
}
