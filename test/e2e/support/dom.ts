// The project's TypeScript has no DOM library (it is a Node program), so code that Playwright runs
// inside the page types the browser's globals with these few declarations:
//   const { document } = globalThis as unknown as BrowserGlobals;
// (Playwright sends such a function to the page as source text: it cannot call helpers of ours.)
interface DomRect {
  top: number;
  left: number;
  right: number;
  bottom: number;
  width: number;
  height: number;
}

export interface DomElement {
  tagName: string;
  id: string;
  className: string;
  textContent: string | null;
  scrollWidth: number;
  clientWidth: number;
  scrollHeight: number;
  clientHeight: number;
  parentElement: DomElement | null;
  children: ArrayLike<DomElement>;
  getAttribute(name: string): string | null;
  setAttribute(name: string, value: string): void;
  removeAttribute(name: string): void;
  checkVisibility(): boolean;
  getBoundingClientRect(): DomRect;
  matches(selector: string): boolean;
  closest(selector: string): DomElement | null;
  querySelectorAll(selector: string): ArrayLike<DomElement>;
  blur(): void;
  focus(): void;
}

interface DomStyle {
  display: string;
  position: string;
  visibility: string;
  outlineStyle: string;
  outlineWidth: string;
  boxShadow: string;
  content: string;
  width: string;
  overflowX: string;
  color: string;
  fontFamily: string;
  lineHeight: string;
}

export interface BrowserGlobals {
  document: {
    createRange(): { selectNodeContents(node: DomElement): void; getClientRects(): ArrayLike<DomRect> };
    documentElement: DomElement;
    body: DomElement;
    activeElement: DomElement | null;
    querySelectorAll(selector: string): ArrayLike<DomElement>;
  };
  innerWidth: number;
  innerHeight: number;
  getComputedStyle(element: DomElement, pseudo?: string): DomStyle;
}
