// Counters the tests and benchmarks read: TLS connections accepted (keep-alive shows as few
// connections for many requests), successful grants by type, and requests per route.
import type { Request, RequestHandler, Response } from 'express';
import { targetOf } from './faults.ts';

export interface EmulatorStats {
  connections: { accepted: number; open: number };
  grants: Record<string, number>;
  /**
   * Keyed by "METHOD /route/pattern"; a call refused before a route matched counts under its named
   * target ("GET [pats]"), an injected answer under "METHOD (injected fault)".
   */
  requests: Record<string, number>;
  requestsTotal: number;
}

export interface StatsRecorder {
  connectionOpened(): void;
  connectionClosed(): void;
  grant(grantType: string): void;
  /** Counts each request once its answer is finished, under the route that handled it. */
  countRequests: RequestHandler;
  snapshot(): EmulatorStats;
  reset(): void;
}

export function createStats(): StatsRecorder {
  let stats = empty();

  return {
    connectionOpened() {
      stats.connections.accepted += 1;
      stats.connections.open += 1;
    },
    connectionClosed() {
      stats.connections.open -= 1;
    },
    grant(grantType) {
      stats.grants[grantType] = (stats.grants[grantType] ?? 0) + 1;
    },
    countRequests(req, res, next) {
      res.once('finish', () => {
        const label = routeLabel(req, res);
        stats.requests[label] = (stats.requests[label] ?? 0) + 1;
        stats.requestsTotal += 1;
      });
      next();
    },
    snapshot: () => structuredClone(stats),
    reset() {
      const open = stats.connections.open;
      stats = empty();
      stats.connections.open = open;
    },
  };
}

function empty(): EmulatorStats {
  return { connections: { accepted: 0, open: 0 }, grants: {}, requests: {}, requestsTotal: 0 };
}

function routeLabel(req: Request, res: Response): string {
  if (res.locals.injectedFault) return `${req.method} (injected fault)`;
  const routePath = (req.route as { path?: unknown } | undefined)?.path;
  if (typeof routePath === 'string') return `${req.method} ${req.baseUrl}${routePath}`;
  const target = targetOf(req.originalUrl.split('?')[0] ?? '');
  return target ? `${req.method} [${target}]` : `${req.method} (no route)`;
}
