// Query parameters the way ASP.NET Web API binds them: names match in any letter case, and a
// repeated parameter counts once (the first).

import type { Request } from 'express';

export function queryValue(req: Request, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(req.query)) {
    if (key.toLowerCase() !== wanted) continue;
    const first = Array.isArray(value) ? value[0] : value;
    return typeof first === 'string' ? first : undefined;
  }
  return undefined;
}
