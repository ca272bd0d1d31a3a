// Everything that should never happen on a page, recorded for a whole browser context: console
// errors, uncaught page errors, requests to the app or the emulator that fail or answer with an
// error (other than the document a test navigates to on purpose), and Content-Security-Policy
// violations, which the page reports through an init script.
import type { BrowserContext, Page, Request } from 'playwright-core';

export interface ProblemRecorder {
  readonly problems: string[];
  /** Throws, listing them, if anything was recorded since the last call; then starts afresh. */
  assertNone(when: string): void;
  /** Forgets what was recorded (what a failed test left behind in a shared context). */
  clear(): void;
}

const CSP_BINDING = '__e2eReportCspViolation';

// Runs in every page and frame before the page's own scripts. Init scripts are injected by the
// browser, not the page, so the page's CSP does not apply to them.
const CSP_LISTENER = `document.addEventListener('securitypolicyviolation', (event) => {
  globalThis.${CSP_BINDING}?.({ directive: event.effectiveDirective, blocked: event.blockedURI, source: event.sourceFile, line: event.lineNumber, page: location.href });
}, true);`;

interface CspViolation {
  directive: string;
  blocked: string;
  source: string;
  line: number;
  page: string;
}

/** A document answering 4xx/5xx makes Chromium log "Failed to load resource"; tests assert those statuses themselves. */
const DOCUMENT_STATUS_MESSAGE = /^Failed to load resource: the server responded with a status of \d+/;

export async function recordProblems(context: BrowserContext, origins: string[]): Promise<ProblemRecorder> {
  const problems: string[] = [];
  const watched = (url: string) => origins.some((origin) => url.startsWith(`${origin}/`) || url === origin);
  const errorDocuments = new Set<string>();
  // A request cancelled because its page went on to a new document (a favicon, say) is no failure.
  const navigations = new WeakMap<Page, number>();
  const navigationAtStart = new WeakMap<Request, number>();

  await context.exposeBinding(CSP_BINDING, (_source, violation: CspViolation) => {
    problems.push(
      `CSP violation on ${violation.page}: ${violation.directive} blocked ${violation.blocked || 'inline code'} (${violation.source}:${violation.line})`,
    );
  });
  await context.addInitScript({ content: CSP_LISTENER });

  const watchPage = (page: Page) => {
    navigations.set(page, 0);
    page.on('framenavigated', (frame) => {
      if (frame === page.mainFrame()) navigations.set(page, (navigations.get(page) ?? 0) + 1);
    });
    page.on('console', (message) => {
      if (message.type() !== 'error') return;
      if (DOCUMENT_STATUS_MESSAGE.test(message.text()) && errorDocuments.has(message.location().url)) return;
      problems.push(`console error on ${page.url()}: ${message.text()} (${message.location().url})`);
    });
  };
  context.pages().forEach(watchPage);
  context.on('page', watchPage);
  context.on('weberror', (error) =>
    problems.push(
      `uncaught error on ${error.page()?.url() ?? 'a page'}: ${error.error().stack ?? error.error().message}`,
    ),
  );
  context.on('request', (request) => {
    const page = request.frame().page();
    navigationAtStart.set(request, navigations.get(page) ?? 0);
  });
  const aborted: Array<{ page: Page; request: Request; text: string }> = [];
  context.on('requestfailed', (request) => {
    if (!watched(request.url())) return;
    const failure = request.failure()?.errorText ?? 'failed';
    const text = `request failed: ${request.method()} ${request.url()}: ${failure}`;
    // Whether the page went on to another document is known only later: decided when asserting.
    if (failure === 'net::ERR_ABORTED') aborted.push({ page: request.frame().page(), request, text });
    else problems.push(text);
  });
  context.on('response', (response) => {
    const request = response.request();
    if (!watched(response.url()) || response.status() < 400) return;
    if (request.isNavigationRequest()) errorDocuments.add(response.url());
    else
      problems.push(`${request.resourceType()} answered ${response.status()}: ${request.method()} ${response.url()}`);
  });

  return {
    problems,
    assertNone(when) {
      for (const { page, request, text } of aborted.splice(0)) {
        if ((navigations.get(page) ?? 0) <= (navigationAtStart.get(request) ?? 0)) problems.push(text);
      }
      const found = problems.splice(0);
      if (found.length > 0) throw new Error(`${found.length} problem(s) ${when}:\n- ${found.join('\n- ')}`);
    },
    clear() {
      problems.splice(0);
      aborted.splice(0);
    },
  };
}
