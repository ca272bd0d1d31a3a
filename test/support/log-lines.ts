// A pino destination that keeps each JSON log line, so tests can read what was (and was not) logged.
import { Writable } from 'node:stream';

export function collectLogLines(lines: string[] = []): { lines: string[]; sink: Writable } {
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      done();
    },
  });
  return { lines, sink };
}
