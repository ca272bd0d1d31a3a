// Injected faults: make matching calls fail the way real networks and services do, so the app's
// handling of them can be tested. A fault matches by named target or path glob (and method), then
// answers with a status, waits (a timeout, or a slow success), truncates the real answer's JSON, or
// resets the connection; for a number of calls, after letting some through, or at random (seeded,
// so a run can be repeated).
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { seededRandom } from './seeded-random.ts';

/** Named targets, so callers need not know the emulator's paths. */
const FAULT_TARGETS = {
  discovery: '/*/v2.0/.well-known/openid-configuration',
  keys: '/*/discovery/v2.0/keys',
  authorize: '/*/oauth2/v2.0/authorize',
  token: '/*/oauth2/v2.0/token',
  logout: '/*/oauth2/v2.0/logout',
  pats: '/vssps/*/_apis/tokens/pats*',
  profile: '/app-vssps/_apis/profile/*',
  accounts: '/app-vssps/_apis/accounts*',
  auditlog: '/auditservice/*/_apis/audit/auditlog*',
  /** Only vault hosts serve /secrets. */
  keyvault: '/secrets*',
} as const;

export type FaultTarget = keyof typeof FAULT_TARGETS;

const TARGET_PATTERNS = Object.entries(FAULT_TARGETS).map(([name, glob]) => ({
  name: name as FaultTarget,
  pattern: globToRegExp(glob),
}));

/** The named target a path belongs to, if any. */
export function targetOf(path: string): FaultTarget | undefined {
  return TARGET_PATTERNS.find(({ pattern }) => pattern.test(path))?.name;
}

const faultSpecSchema = z
  .object({
    target: z.enum(Object.keys(FAULT_TARGETS) as [FaultTarget, ...FaultTarget[]]).optional(),
    /** `*` matches any characters (slashes too); compared without the query, ignoring case. */
    path: z.string().startsWith('/').optional(),
    method: z.string().toUpperCase().optional(),
    status: z.number().int().min(100).max(599).optional(),
    /** With `status`: the answer's body (an object is sent as JSON). */
    body: z.unknown().optional(),
    headers: z.record(z.string(), z.string()).optional(),
    delayMs: z.number().int().min(0).max(600_000).optional(),
    /** Truncate the JSON answer (the injected one with `status`, else the real one). */
    malformed: z.boolean().optional(),
    /** Destroy the connection without answering. */
    reset: z.boolean().optional(),
    /** How many matching calls fail (default: all until cleared). */
    times: z.number().int().min(1).optional(),
    /** Let this many matching calls through first. */
    skip: z.number().int().min(0).optional(),
    /** Chance that a matching call fails, 0 to 1 (default 1). */
    probability: z.number().min(0).max(1).optional(),
    /** With `probability`: draw from a generator seeded with this, so the same calls fail on every run. */
    seed: z.number().int().optional(),
  })
  .strict()
  .refine((spec) => spec.target !== undefined || spec.path !== undefined, {
    message: 'a fault needs a target or a path',
  })
  .refine((spec) => spec.status !== undefined || spec.delayMs !== undefined || spec.malformed || spec.reset, {
    message: 'a fault needs an effect: status, delayMs, malformed or reset',
  });

export type FaultSpec = z.input<typeof faultSpecSchema>;

export interface ActiveFault extends z.output<typeof faultSpecSchema> {
  id: string;
  /** Calls that matched, and calls it made fail. */
  matched: number;
  triggered: number;
}

export interface Faults {
  inject(spec: FaultSpec): ActiveFault;
  remove(id: string): boolean;
  clear(): void;
  list(): ActiveFault[];
  /** Applied before every route except the control surface's. */
  middleware: RequestHandler;
  /** Cancels delayed answers still waiting (on close). */
  dispose(): void;
}

export function createFaults(options: { exemptPathPrefix: string }): Faults {
  let faults: { fault: ActiveFault; pattern: RegExp; random: () => number }[] = [];
  const waiting = new Set<NodeJS.Timeout>();

  function pick(req: Request): ActiveFault | undefined {
    for (const { fault, pattern, random } of faults) {
      if (fault.method && fault.method !== req.method) continue;
      if (!pattern.test(req.path)) continue;
      fault.matched += 1;
      if (fault.matched <= (fault.skip ?? 0)) continue;
      if (fault.times !== undefined && fault.triggered >= fault.times) continue;
      if (fault.probability !== undefined && random() >= fault.probability) continue;
      fault.triggered += 1;
      return fault;
    }
    return undefined;
  }

  function apply(fault: ActiveFault, req: Request, res: Response, next: NextFunction): void {
    if (fault.reset) {
      req.socket.destroy();
    } else if (fault.status !== undefined) {
      answerWith(fault, res);
    } else {
      if (fault.malformed) truncateAnswer(res);
      next();
    }
  }

  return {
    inject(spec) {
      const parsed = faultSpecSchema.parse(spec);
      const fault: ActiveFault = { ...parsed, id: randomUUID(), matched: 0, triggered: 0 };
      faults.push({
        fault,
        pattern: globToRegExp(parsed.path ?? FAULT_TARGETS[parsed.target!]),
        random: parsed.seed === undefined ? Math.random : seededRandom(parsed.seed),
      });
      return fault;
    },
    remove(id) {
      const before = faults.length;
      faults = faults.filter(({ fault }) => fault.id !== id);
      return faults.length < before;
    },
    clear() {
      faults = [];
    },
    list: () => faults.map(({ fault }) => ({ ...fault })),
    middleware(req, res, next) {
      if (req.path.startsWith(options.exemptPathPrefix)) return next();
      const fault = pick(req);
      if (!fault) return next();
      if (!fault.delayMs) return apply(fault, req, res, next);
      const timer = setTimeout(() => {
        waiting.delete(timer);
        if (!req.socket.destroyed) apply(fault, req, res, next);
      }, fault.delayMs);
      waiting.add(timer);
    },
    dispose() {
      waiting.forEach(clearTimeout);
      waiting.clear();
    },
  };
}

function answerWith(fault: ActiveFault, res: Response): void {
  res.locals.injectedFault = fault.id;
  res.status(fault.status!).set(fault.headers ?? {});
  const body = fault.body ?? {
    error: 'temporarily_unavailable',
    message: `Fault injected by the emulator: HTTP ${fault.status}.`,
  };
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  if (!res.get('Content-Type')) res.type(typeof body === 'string' ? 'text/plain' : 'application/json');
  res.send(fault.malformed ? truncated(text) : text);
}

/** The route answers as usual, but only the first half of its body goes out. */
function truncateAnswer(res: Response): void {
  const send = res.send.bind(res);
  res.send = ((body?: unknown) => {
    const text =
      typeof body === 'string' ? body : Buffer.isBuffer(body) ? body.toString('utf8') : JSON.stringify(body ?? '');
    if (!res.get('Content-Type')) res.type('application/json');
    return send(truncated(text));
  }) as Response['send'];
}

function truncated(text: string): string {
  return text.length < 2 ? '{' : text.slice(0, Math.floor(text.length / 2));
}

function globToRegExp(glob: string): RegExp {
  const escaped = glob.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'));
  return new RegExp(`^${escaped.join('.*')}$`, 'i');
}
