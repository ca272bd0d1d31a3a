// Stopping an HTTP server without cutting anyone off: stop accepting connections, let requests in
// flight finish, close each kept-alive connection as soon as it is idle (Node would otherwise keep
// it until its keep-alive timeout), and past a deadline close whatever is left.
import type { Server } from 'node:http';

export interface GracefulClose {
  /** True from the moment close() is called: readiness says "stopping". */
  readonly closing: boolean;
  /** Resolves when every connection is closed. Idempotent. */
  close(deadlineMs: number): Promise<void>;
}

export function gracefulClose(server: Server): GracefulClose {
  let closing = false;
  let closed: Promise<void> | undefined;
  server.on('request', (_req, res) => {
    // Tell clients still sending on a kept-alive connection not to send another on it.
    if (closing && !res.headersSent) res.setHeader('Connection', 'close');
    res.once('finish', () => {
      if (closing) setImmediate(() => server.closeIdleConnections());
    });
  });
  return {
    get closing() {
      return closing;
    },
    close(deadlineMs) {
      closed ??= new Promise<void>((resolve) => {
        closing = true;
        const deadline = setTimeout(() => server.closeAllConnections(), deadlineMs).unref();
        server.close(() => {
          clearTimeout(deadline);
          resolve();
        });
        server.closeIdleConnections();
      });
      return closed;
    },
  };
}
