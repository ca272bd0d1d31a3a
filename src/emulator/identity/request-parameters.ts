// Query strings and forms may repeat a name or nest; the protocol's parameters are single strings,
// so the first value of each counts and anything else is ignored.
export function firstValues(source: unknown): Record<string, string> {
  const values: Record<string, string> = {};
  if (!source || typeof source !== 'object') return values;
  for (const [name, value] of Object.entries(source as Record<string, unknown>)) {
    const first = Array.isArray(value) ? value[0] : value;
    if (typeof first === 'string') values[name] = first;
  }
  return values;
}
