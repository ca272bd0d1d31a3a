// Every secret the emulator hands out (access, refresh and ID tokens from the token endpoint, PAT
// secrets from Create, access tokens made through the control, client secrets from Graph's addPassword), so that a test can check that none
// of them ever reaches the application's logs. Read from the JSON answers as they leave, so no
// endpoint has to remember to report what it issued. Only the most recent ones are kept.
import type { RequestHandler } from 'express';

type IssuedSecretKind = 'access_token' | 'refresh_token' | 'id_token' | 'pat' | 'client_secret';

export interface IssuedSecret {
  kind: IssuedSecretKind;
  value: string;
}

export interface IssuedSecrets {
  record(kind: IssuedSecretKind, value: string): void;
  /** Applied before every route: notes the secrets in each JSON answer. */
  watch: RequestHandler;
  list(): IssuedSecret[];
}

const KEPT = 20_000;
const TOKEN_FIELDS = ['access_token', 'refresh_token', 'id_token'] as const;

export function createIssuedSecrets(): IssuedSecrets {
  const issued = new Map<string, IssuedSecretKind>();

  function record(kind: IssuedSecretKind, value: string): void {
    issued.set(value, kind);
    if (issued.size > KEPT) issued.delete(issued.keys().next().value!);
  }

  function noteAnswer(body: unknown): void {
    if (typeof body !== 'object' || body === null) return;
    const fields = body as Record<string, unknown>;
    for (const field of TOKEN_FIELDS) if (typeof fields[field] === 'string') record(field, fields[field]);
    // A PatTokenResult: `patToken.token` holds the secret, in Create's answer only.
    const pat = fields.patToken as { token?: unknown } | null | undefined;
    if (typeof pat?.token === 'string') record('pat', pat.token);
  }

  return {
    record,
    watch(_req, res, next) {
      const json = res.json.bind(res);
      res.json = (body?: unknown) => {
        noteAnswer(body);
        return json(body);
      };
      next();
    },
    list: () => [...issued].map(([value, kind]) => ({ kind, value })),
  };
}
