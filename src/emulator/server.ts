// The emulator's HTTPS server: one Express app on 127.0.0.1 carrying both halves, with the fault
// middleware in front of every route and the control surface beside them. It counts TLS
// connections (keep-alive is visible as many requests over few connections) and, on close,
// destroys every socket, idle keep-alive ones included.
import { createServer, type Server } from 'node:https';
import type { Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import express, { type ErrorRequestHandler, type Express, type RequestHandler, type Router } from 'express';
import type { EmulatorClock } from './clock.ts';
import type { Faults } from './faults.ts';
import type { IssuedSecrets } from './issued-secrets.ts';
import type { StatsRecorder } from './stats.ts';
import type { TlsMaterial } from './tls.ts';

export const CONTROL_PATH = '/_emulator';

export interface EmulatorRoutes {
  identity: Router;
  pats: Router;
  profile: Router;
  /** Stands for https://auditservice.dev.azure.com (the Auditing API). */
  audit: Router;
  control: Router;
  graph: Router;
  /** Answers for vault hosts only (by the Host header), so it goes first. */
  keyVault: RequestHandler;
  /** Answers requests whose host is under `.hooks.localhost` (the webhook sink). */
  webhooks: RequestHandler;
}

export function createEmulatorApp(
  routes: EmulatorRoutes,
  parts: { faults: Faults; stats: StatsRecorder; issued: IssuedSecrets; clock: EmulatorClock },
): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use(parts.stats.countRequests);
  app.use(parts.issued.watch);
  app.use(parts.clock.dateHeader);
  app.use(parts.faults.middleware);
  app.use(CONTROL_PATH, routes.control);
  app.use(routes.keyVault);
  app.use(routes.webhooks);
  app.use('/vssps', routes.pats);
  app.use('/app-vssps', routes.profile);
  app.use('/auditservice', routes.audit);
  app.use('/graph', routes.graph);
  app.use(routes.identity);
  app.use((_req, res) => {
    res.status(404).type('text/plain').send('Not found in the emulator.');
  });
  app.use(unexpectedError);
  return app;
}

const unexpectedError: ErrorRequestHandler = (error: unknown, _req, res, _next) => {
  console.error('emulator: unexpected error', error);
  if (!res.headersSent) res.status(500).type('text/plain').send('The emulator failed to answer.');
};

export interface ListeningServer {
  port: number;
  /** Hands requests to the app: built after listening, once the origin (and its port) is known. */
  serve(app: Express): void;
  close(): Promise<void>;
}

export async function listenHttps(options: {
  port: number;
  tls: TlsMaterial;
  stats: StatsRecorder;
}): Promise<ListeningServer> {
  const server: Server = createServer({ key: options.tls.serverKeyPem, cert: options.tls.serverCertificatePem });
  // Longer than clients' idle timeouts, so the client, not the server, decides when to drop a
  // kept-alive connection (a server closing first makes clients race into ECONNRESET).
  server.keepAliveTimeout = 120_000;
  server.headersTimeout = 125_000;
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  server.on('secureConnection', (socket: TLSSocket) => {
    options.stats.connectionOpened();
    socket.once('close', () => options.stats.connectionClosed());
  });
  server.on('tlsClientError', () => {
    // A client that does not trust the CA hangs up during the handshake: nothing to answer.
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('the emulator is not listening on a TCP port');

  return {
    port: address.port,
    serve: (app) => server.on('request', app),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        sockets.forEach((socket) => socket.destroy());
      }),
  };
}
