// Which secrets appear in log lines: for the check every harness makes when it closes, and for
// tests that look on purpose. It names the kind of secret and the line, never the secret itself,
// so that a failing check does not copy a secret into the test output.
export interface KnownSecret {
  kind: string;
  value: string;
}

/** Secrets shorter than this are not looked for: they would match by chance. */
const MIN_LENGTH = 16;

export function secretsInLog(lines: readonly string[], secrets: readonly KnownSecret[]): string[] {
  const whole = lines.join('\n');
  const found: string[] = [];
  for (const { kind, value } of secrets) {
    if (value.length < MIN_LENGTH || !whole.includes(value)) continue;
    found.push(`${kind} (log line ${lines.findIndex((text) => text.includes(value)) + 1})`);
  }
  return found;
}
