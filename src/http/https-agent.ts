// One way to build the HTTPS agent for upstream calls (Azure DevOps, and the identity platform through
// msal-node's network client), so keep-alive, connection limits and an extra trusted CA are decided
// once rather than per caller.
import { lookup as dnsLookup } from 'node:dns';
import { Agent } from 'node:https';
import type { LookupFunction } from 'node:net';
import { createSecureContext, rootCertificates } from 'node:tls';

export interface HttpsAgentOptions {
  /**
   * An extra certificate authority (PEM) to trust, such as the local emulator's. It is added to
   * Node's public roots, not put in their place, so the real services stay reachable.
   */
  ca?: string | Buffer | undefined;
  /** Reuse connections between requests; on by default (TLS handshakes are the slow part). */
  keepAlive?: boolean;
  /** Concurrent sockets per host. */
  maxSockets?: number;
  /** Idle sockets kept open per host; as many as may be busy, so a burst's connections are reused. */
  maxFreeSockets?: number;
  /** Close an idle socket after this long, before the server (or a load balancer) drops it. */
  idleSocketTimeoutMs?: number;
}

/**
 * Names under `.localhost` are loopback (RFC 6761 §6.3), as browsers treat them, though glibc's
 * resolver does not know it; every other name is resolved as usual.
 */
export const lookupWithLocalhostNames: LookupFunction = (hostname, options, callback) =>
  dnsLookup(hostname.toLowerCase().endsWith('.localhost') ? 'localhost' : hostname, options, callback);

export function createHttpsAgent(options: HttpsAgentOptions = {}): Agent {
  const maxSockets = options.maxSockets ?? 50;
  return new Agent({
    keepAlive: options.keepAlive ?? true,
    maxSockets,
    maxFreeSockets: options.maxFreeSockets ?? maxSockets,
    // Sockets idle this long are closed, which keeps us from reusing one the other side already shut.
    timeout: options.idleSocketTimeoutMs ?? 30_000,
    scheduling: 'lifo',
    lookup: lookupWithLocalhostNames,
    // The roots plus the extra CA are parsed once into one TLS context. Given as `ca`, they would be
    // parsed again for every new connection and joined into the agent's pool key on every request.
    ...(options.ca === undefined ? {} : { secureContext: createSecureContext({ ca: [...rootCertificates, options.ca] }) }),
  });
}
