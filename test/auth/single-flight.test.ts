// The single flight behind one token renewal per person at a time: callers of one key share the
// running work, other keys run apart, and nothing of a settled flight is kept.
import { describe, expect, it } from 'vitest';
import { singleFlight } from '../../src/auth/single-flight.ts';

function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((yes, no) => {
    resolve = yes;
    reject = no;
  });
  return { promise, resolve, reject };
}

describe('singleFlight', () => {
  it('runs the work once for callers of the same key while it runs, and apart for another key', async () => {
    const flight = singleFlight<string>();
    const started: string[] = [];
    const work = deferred<string>();
    const other = deferred<string>();
    const first = flight('session-a', () => (started.push('a'), work.promise));
    const second = flight('session-a', () => (started.push('a again'), work.promise));
    const third = flight('session-b', () => (started.push('b'), other.promise));
    await Promise.resolve();
    expect(started).toEqual(['a', 'b']);
    work.resolve('renewed');
    other.resolve('other');
    expect(await Promise.all([first, second, third])).toEqual(['renewed', 'renewed', 'other']);
  });

  it('keeps nothing once the work settles: the next caller starts afresh', async () => {
    const flight = singleFlight<number>();
    let runs = 0;
    expect(await flight('session-a', async () => ++runs)).toBe(1);
    expect(await flight('session-a', async () => ++runs)).toBe(2);
  });

  it('gives every waiting caller the same failure, then lets the key be tried again', async () => {
    const flight = singleFlight<string>();
    const work = deferred<string>();
    const callers = [flight('session-a', () => work.promise), flight('session-a', () => work.promise)];
    work.reject(new Error('sign in again'));
    for (const caller of callers) await expect(caller).rejects.toThrow('sign in again');
    await expect(flight('session-a', async () => 'fresh')).resolves.toBe('fresh');
  });

  it('turns work that throws at once into a failed flight, not an exception in the caller', async () => {
    const flight = singleFlight<string>();
    const failing = flight('session-a', () => {
      throw new Error('no client');
    });
    await expect(failing).rejects.toThrow('no client');
    await expect(flight('session-a', async () => 'next')).resolves.toBe('next');
  });
});
