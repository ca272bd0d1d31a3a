// Keyboard helpers: what has focus (its role and accessible name, as assistive technology gets
// them, and whether the focus can be seen), and moving through a page with Tab.
import type { Page } from 'playwright-core';
import type { BrowserGlobals } from './dom.ts';

export interface Focused {
  role: string;
  name: string;
  tag: string;
  id: string;
  /** An outline or shadow shows where the focus is. */
  indicated: boolean;
  /** It takes up room on screen (a skip link is visible once focused). */
  onScreen: boolean;
}

interface AriaNode {
  role?: string;
  name?: string;
}

/** The element with focus, or null when the page itself has it. */
export async function focused(page: Page): Promise<Focused | null> {
  const facts = await page.evaluate(() => {
    const { document, getComputedStyle } = globalThis as unknown as BrowserGlobals;
    const element = document.activeElement;
    if (!element || element === document.body || element === document.documentElement) return null;
    const style = getComputedStyle(element);
    const rect = element.getBoundingClientRect();
    return {
      tag: element.tagName.toLowerCase(),
      id: element.id,
      indicated: (style.outlineStyle !== 'none' && Number.parseFloat(style.outlineWidth) > 0) || style.boxShadow !== 'none',
      onScreen: rect.width > 1 && rect.height > 1 && rect.right > 0 && rect.bottom > 0,
    };
  });
  if (!facts) return null;
  const snapshot = (await page.locator(':focus').ariaSnapshotJSON({ depth: 0 })) as unknown;
  const node = (Array.isArray(snapshot) ? snapshot[0] : snapshot) as AriaNode | undefined;
  return { role: node?.role ?? '', name: node?.name ?? '', ...facts };
}

export const describeFocus = (stop: Focused | null) => (stop ? `${stop.role} "${stop.name}"` : 'the page');

/** Presses Tab until focus is on the element with this role and name; returns every stop, that one last. */
export async function tabTo(page: Page, role: string, name: string | RegExp, options: { maxPresses?: number; shift?: boolean } = {}): Promise<Focused[]> {
  const stops: Focused[] = [];
  const matches = (stop: Focused) => stop.role === role && (typeof name === 'string' ? stop.name === name : name.test(stop.name));
  for (let press = 0; press < (options.maxPresses ?? 60); press++) {
    await page.keyboard.press(options.shift ? 'Shift+Tab' : 'Tab');
    const stop = await focused(page);
    if (!stop) continue;
    stops.push(stop);
    if (matches(stop)) return stops;
  }
  throw new Error(`Tab never reached ${role} "${name}" on ${page.url()}; it went through:\n${stops.map(describeFocus).join('\n')}`);
}

/**
 * Every Tab stop of a page just loaded, in order, until focus leaves the page or comes round again.
 * A control Tab stays in for a while (the parts of a date field) counts once.
 */
export async function tabStops(page: Page, maxPresses = 200): Promise<Focused[]> {
  const stops: Focused[] = [];
  const seen = new Set<string>();
  let previous = '';
  for (let press = 0; press < maxPresses; press++) {
    await page.keyboard.press('Tab');
    const stop = await focused(page);
    if (!stop) break;
    const key = await page.evaluate(() => {
      const { document } = globalThis as unknown as BrowserGlobals;
      const path: number[] = [];
      for (let node = document.activeElement; node?.parentElement; node = node.parentElement) path.unshift(Array.prototype.indexOf.call(node.parentElement.children, node));
      return path.join('/');
    });
    if (key === previous) continue;
    if (seen.has(key)) break;
    seen.add(key);
    previous = key;
    stops.push(stop);
  }
  return stops;
}
