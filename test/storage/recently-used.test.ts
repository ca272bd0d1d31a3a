import { describe, expect, it } from 'vitest';
import { RecentlyUsed } from '../../src/storage/recently-used.ts';

describe('RecentlyUsed', () => {
  it('drops the entry used longest ago to make room, a read counting as a use', () => {
    const remembered = new RecentlyUsed<string, number>(2);
    remembered.set('a', 1);
    remembered.set('b', 2);
    expect(remembered.get('a')).toBe(1);
    remembered.set('c', 3);
    expect([remembered.has('a'), remembered.has('b'), remembered.has('c')]).toEqual([true, false, true]);
  });

  it('replaces an entry in place without dropping another', () => {
    const remembered = new RecentlyUsed<string, number>(2);
    remembered.set('a', 1);
    remembered.set('b', 2);
    remembered.set('a', 10);
    expect([remembered.get('a'), remembered.get('b')]).toEqual([10, 2]);
  });

  it('deletes one entry, or every entry a test picks', () => {
    const remembered = new RecentlyUsed<string, number>(5);
    for (const [key, value] of [
      ['a', 1],
      ['b', 2],
      ['c', 3],
    ] as const)
      remembered.set(key, value);
    remembered.delete('a');
    remembered.deleteWhere((value) => value >= 3);
    expect([remembered.get('a'), remembered.get('b'), remembered.get('c')]).toEqual([undefined, 2, undefined]);
  });

  it('refuses a limit that is not a positive whole number', () => {
    expect(() => new RecentlyUsed(0)).toThrow(RangeError);
    expect(() => new RecentlyUsed(1.5)).toThrow(RangeError);
  });
});
