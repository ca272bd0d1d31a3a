// The identifier shapes PAT Manager checks before it sends one anywhere.

/** A GUID as Microsoft writes them (token authorizationIds, client and profile ids, form keys). */
export const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
