// How a page fits its viewport: whether it scrolls sideways (and which elements stick out), and
// how each table is laid out: as a table, or as one card per row with each cell labelled.
import type { Page } from 'playwright-core';
import type { BrowserGlobals, DomElement } from './dom.ts';

interface TableLayout {
  /** A short CSS-like path to the table, for messages. */
  table: string;
  /** `display` of its body rows: `table-row` as a table, `block`/`grid`/`flex` as cards. */
  rowDisplay: string;
  /** The column headers take no visible room. */
  headerHidden: boolean;
  /** Body cells that show text but no visible label of their own when shown as cards. */
  unlabelledCells: number;
  /** Cards whose cell content runs into its label. */
  overlappingCells: number;
  /** The table is wider than its container. */
  overflows: boolean;
}

export interface Layout {
  viewportWidth: number;
  scrollWidth: number;
  /** Elements whose right edge is beyond the viewport (the outermost ones). */
  stickingOut: string[];
  tables: TableLayout[];
}

export async function layoutOf(page: Page): Promise<Layout> {
  return page.evaluate(() => {
    const { document, innerWidth, getComputedStyle } = globalThis as unknown as BrowserGlobals;
    const viewportWidth = Math.min(innerWidth, document.documentElement.clientWidth);
    const describe = (element: DomElement) => {
      const id = element.id ? `#${element.id}` : '';
      const classes =
        typeof element.className === 'string' && element.className
          ? `.${element.className.trim().split(/\s+/).join('.')}`
          : '';
      return `${element.tagName.toLowerCase()}${id}${classes}`;
    };
    const visible = (element: DomElement) => {
      // Laid out but not drawn (the content of a closed <details>) is not visible either.
      if (!element.checkVisibility()) return false;
      const style = getComputedStyle(element);
      const rect = element.getBoundingClientRect();
      return style.visibility !== 'hidden' && style.display !== 'none' && rect.width > 1 && rect.height > 1;
    };
    // Inside an ancestor that clips its overflow (a visually hidden table header, say) and itself fits.
    const clipped = (element: DomElement) => {
      for (
        let ancestor = element.parentElement;
        ancestor && ancestor !== document.body;
        ancestor = ancestor.parentElement
      ) {
        if (
          getComputedStyle(ancestor).overflowX !== 'visible' &&
          ancestor.getBoundingClientRect().right <= viewportWidth + 0.5
        )
          return true;
      }
      return false;
    };
    const stickingOut: string[] = [];
    for (const element of Array.from(document.body.querySelectorAll('*'))) {
      if (!visible(element) || element.getBoundingClientRect().right <= viewportWidth + 0.5 || clipped(element))
        continue;
      // Report the outermost offender only: its children stick out because it does.
      const parent = element.parentElement;
      if (
        parent &&
        parent !== document.body &&
        visible(parent) &&
        parent.getBoundingClientRect().right > viewportWidth + 0.5
      )
        continue;
      stickingOut.push(`${describe(element)} (right edge ${Math.round(element.getBoundingClientRect().right)}px)`);
    }
    const tables = Array.from(document.querySelectorAll('table')).map((table) => {
      const rows = Array.from(table.querySelectorAll('tbody tr'));
      const head = table.querySelectorAll('thead')[0];
      const cards = rows.length > 0 && getComputedStyle(rows[0]!).display !== 'table-row';
      // Text for screen readers alone (.visually-hidden: a checkbox's label, say) shows nothing to label.
      const shownText = (cell: DomElement) =>
        Array.from(cell.querySelectorAll('.visually-hidden'))
          .reduce((text, hidden) => text.replace(hidden.textContent ?? '', ''), cell.textContent ?? '')
          .trim();
      const cells = cards
        ? rows.flatMap((row) => Array.from(row.children)).filter((cell) => visible(cell) && shownText(cell) !== '')
        : [];
      const unlabelledCells = cells.filter((cell) =>
        ['none', 'normal', '""'].includes(getComputedStyle(cell, '::before').content),
      ).length;
      // The label is the cell's ::before; a range over the cell's contents leaves it out.
      const overlappingCells = cells.filter((cell) => {
        const labelRight =
          cell.getBoundingClientRect().left + (Number.parseFloat(getComputedStyle(cell, '::before').width) || 0);
        const range = document.createRange();
        range.selectNodeContents(cell);
        return Array.from(range.getClientRects()).some((rect) => rect.width > 0 && rect.left < labelRight - 0.5);
      }).length;
      return {
        table: describe(table),
        rowDisplay: rows.length > 0 ? getComputedStyle(rows[0]!).display : 'none',
        headerHidden: head === undefined || head.getBoundingClientRect().height <= 1,
        unlabelledCells,
        overlappingCells,
        overflows: table.scrollWidth > (table.parentElement?.clientWidth ?? viewportWidth) + 0.5,
      };
    });
    return { viewportWidth, scrollWidth: document.documentElement.scrollWidth, stickingOut, tables };
  });
}
