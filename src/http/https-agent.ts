// One way to build the HTTPS agent for upstream calls (Azure DevOps, and the identity platform through
// msal-node's network client), so keep-alive, connection limits and an extra trusted CA are decided
// once rather than per caller.
import { lookup as dnsLookup } from 'node:dns';
import { Agent, type AgentOptions, type RequestOptions } from 'node:https';
import type { Duplex } from 'node:stream';
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
  /**
   * Demo mode only: names under `.localhost` (the emulator's vaults, `{name}.vault.localhost`) are
   * loopback, and a connection to one on 443 (a vault address has no port, like Key Vault's) goes to
   * this port, the emulator's. Without it every name is resolved as usual and nothing is redirected.
   */
  localhostNamesToPort?: number | undefined;
}

const isLocalhostName = (hostname: string) => hostname.toLowerCase().endsWith('.localhost');

/**
 * Names under `.localhost` are loopback (RFC 6761 §6.3), as browsers treat them, though glibc's
 * resolver does not know it; every other name is resolved as usual.
 */
const lookupWithLocalhostNames: LookupFunction = (hostname, options, callback) =>
  dnsLookup(isLocalhostName(hostname) ? 'localhost' : hostname, options, callback);

/** The demo's agent: `{anything}.localhost:443` is the emulator on its own port. */
class DemoLoopbackAgent extends Agent {
  readonly #port: number;
  constructor(options: AgentOptions, port: number) {
    super(options);
    this.#port = port;
  }
  override createConnection(
    options: RequestOptions,
    callback?: (error: Error | null, socket: Duplex) => void,
  ): Duplex | null | undefined {
    const host = String(options.host ?? options.hostname ?? '');
    const onDefaultPort = options.port === undefined || options.port === null || Number(options.port) === 443;
    return super.createConnection(
      isLocalhostName(host) && onDefaultPort ? { ...options, port: this.#port } : options,
      callback,
    );
  }
}

export function createHttpsAgent(options: HttpsAgentOptions = {}): Agent {
  const maxSockets = options.maxSockets ?? 50;
  const agentOptions: AgentOptions = {
    keepAlive: options.keepAlive ?? true,
    maxSockets,
    maxFreeSockets: options.maxFreeSockets ?? maxSockets,
    // Sockets idle this long are closed, which keeps us from reusing one the other side already shut.
    timeout: options.idleSocketTimeoutMs ?? 30_000,
    scheduling: 'lifo',
    // The roots plus the extra CA are parsed once into one TLS context. Given as `ca`, they would be
    // parsed again for every new connection and joined into the agent's pool key on every request.
    ...(options.ca === undefined
      ? {}
      : { secureContext: createSecureContext({ ca: [...rootCertificates, options.ca] }) }),
  };
  if (options.localhostNamesToPort === undefined) return new Agent(agentOptions);
  return new DemoLoopbackAgent({ ...agentOptions, lookup: lookupWithLocalhostNames }, options.localhostNamesToPort);
}
