// The one place tests read a new token's secret from the "token created" page's HTML.

/** The secret shown on a "token created" (or regenerated) page, or undefined when there is none. */
export function secretShownOn(body: string): string | undefined {
  return /<textarea id="secret"[^>]*>(\w+)<\/textarea>/.exec(body)?.[1];
}
