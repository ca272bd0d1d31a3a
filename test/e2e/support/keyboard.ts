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
  /** Where it is in the document (child indexes from the root), to tell elements apart. */
  path: string;
}

interface AriaNode {
  role?: string;
  name?: string;
}

const FOCUS_MARKER = 'data-e2e-focused';

/** The element with focus, or null when the page itself has it. */
export async function focused(page: Page): Promise<Focused | null> {
  // Once the page's deferred scripts have run: one of them places the focus (error-summary.js), and a
  // click or Enter that opened the page returns while it may still be loading.
  await page.waitForLoadState('load');
  const facts = await page.evaluate((marker) => {
    const { document, getComputedStyle } = globalThis as unknown as BrowserGlobals;
    for (const old of Array.from(document.querySelectorAll(`[${marker}]`))) old.removeAttribute(marker);
    const element = document.activeElement;
    if (!element || element === document.body || element === document.documentElement) return null;
    // Marked so Playwright can find it: ':focus' misses a date field whose inner part has focus.
    element.setAttribute(marker, '');
    const style = getComputedStyle(element);
    const rect = element.getBoundingClientRect();
    const path: number[] = [];
    for (let node: typeof element | null = element; node?.parentElement; node = node.parentElement)
      path.unshift(Array.prototype.indexOf.call(node.parentElement.children, node));
    return {
      path: path.join('/'),
      tag: element.tagName.toLowerCase(),
      id: element.id,
      // When a field holds focus without matching :focus, a part the browser draws inside it has it
      // (a date field's calendar button), and the browser rings that part itself.
      indicated:
        (element.matches('input') && !element.matches(':focus')) ||
        (style.outlineStyle !== 'none' && Number.parseFloat(style.outlineWidth) > 0) ||
        style.boxShadow !== 'none',
      onScreen: rect.width > 1 && rect.height > 1 && rect.right > 0 && rect.bottom > 0,
    };
  }, FOCUS_MARKER);
  if (!facts) return null;
  const snapshot = (await page.locator(`[${FOCUS_MARKER}]`).ariaSnapshotJSON({ depth: 0, timeout: 2_000 })) as unknown;
  const node =
    facts.tag === 'summary'
      ? await chromiumAriaNode(page, `[${FOCUS_MARKER}]`)
      : ((Array.isArray(snapshot) ? snapshot[0] : snapshot) as AriaNode | undefined);
  return { role: node?.role ?? '', name: node?.name ?? '', ...facts };
}

/**
 * An element's role and name in Chromium's own accessibility tree. Used for a `<details>` element's
 * `<summary>`: ARIA gives it no role, so Playwright's snapshot has none, but Chromium exposes it as a
 * disclosure triangle (a button, with its expanded state, to screen readers).
 */
async function chromiumAriaNode(page: Page, selector: string): Promise<AriaNode> {
  const cdp = await page.context().newCDPSession(page);
  try {
    const { root } = await cdp.send('DOM.getDocument', { depth: 0 });
    const { nodeId } = await cdp.send('DOM.querySelector', { nodeId: root.nodeId, selector });
    const { nodes } = await cdp.send('Accessibility.getPartialAXTree', { nodeId, fetchRelatives: false });
    return { role: String(nodes[0]?.role?.value ?? ''), name: String(nodes[0]?.name?.value ?? '') };
  } finally {
    await cdp.detach();
  }
}

/** Puts the keyboard back at the top of the page, as for a page just opened, after a script moved focus. */
export async function startAtTop(page: Page): Promise<void> {
  await page.evaluate(() => {
    const { document } = globalThis as unknown as BrowserGlobals;
    document.body.setAttribute('tabindex', '-1');
    document.body.focus();
    document.body.removeAttribute('tabindex');
  });
}

export const describeFocus = (stop: Focused | null) => (stop ? `${stop.role} "${stop.name}"` : 'the page');

/** Presses Tab until focus is on the element with this role and name; returns every stop, that one last. */
export async function tabTo(
  page: Page,
  role: string,
  name: string | RegExp,
  options: { maxPresses?: number; shift?: boolean } = {},
): Promise<Focused[]> {
  const stops: Focused[] = [];
  const matches = (stop: Focused) =>
    stop.role === role && (typeof name === 'string' ? stop.name === name : name.test(stop.name));
  for (let press = 0; press < (options.maxPresses ?? 150); press++) {
    await page.keyboard.press(options.shift ? 'Shift+Tab' : 'Tab');
    const stop = await focused(page);
    if (!stop) continue;
    stops.push(stop);
    if (matches(stop)) return stops;
  }
  throw new Error(
    `Tab never reached ${role} "${name}" on ${page.url()}; it went through:\n${stops.map(describeFocus).join('\n')}`,
  );
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
    if (stop.path === previous) continue;
    if (seen.has(stop.path)) break;
    seen.add(stop.path);
    previous = stop.path;
    stops.push(stop);
  }
  return stops;
}

/**
 * How many Tab stops the page should have: its enabled, rendered links, buttons, fields and
 * disclosures (a `<details>` element's summary), a group of radio buttons counting once (Tab enters
 * the group; the arrow keys move within it).
 */
export async function expectedTabStopCount(page: Page): Promise<number> {
  return page.evaluate(() => {
    const { document } = globalThis as unknown as BrowserGlobals;
    const candidates = Array.from(
      document.querySelectorAll(
        'a[href], button, input:not([type="hidden"]), select, textarea, details > summary:first-of-type, [tabindex]:not([tabindex="-1"])',
      ),
    );
    const radioGroups = new Set<string>();
    return candidates.filter((element) => {
      if (element.matches(':disabled') || !element.checkVisibility()) return false;
      if (!element.matches('input[type="radio"]')) return true;
      const group = `${element.closest('form')?.getAttribute('action') ?? ''}|${element.getAttribute('name') ?? ''}`;
      if (radioGroups.has(group)) return false;
      radioGroups.add(group);
      return true;
    }).length;
  });
}
