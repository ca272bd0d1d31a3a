// axe-core scans of the page as the browser shows it. axe is evaluated through the DevTools
// protocol (page.evaluate), which the page's Content-Security-Policy does not govern, so scans run
// with the CSP enforced, like everything else: no bypassCSP context is needed.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** WCAG 2.2 A and AA, and axe's best practices. */
const RULE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'];

type Impact = 'minor' | 'moderate' | 'serious' | 'critical';

export interface Violation {
  id: string;
  impact: Impact;
  help: string;
  helpUrl: string;
  nodes: Array<{ target: string; summary: string }>;
}

export async function scanAccessibility(page: Page): Promise<Violation[]> {
  if (!(await page.evaluate('typeof globalThis.axe === "object"'))) await page.evaluate(`${AXE_SOURCE}\n;undefined`);
  return page.evaluate(async (tags) => {
    interface AxeResult {
      violations: Array<{
        id: string;
        impact: Impact;
        help: string;
        helpUrl: string;
        nodes: Array<{ target: unknown[]; failureSummary?: string }>;
      }>;
    }
    const { axe } = globalThis as unknown as { axe: { run(context: unknown, options: unknown): Promise<AxeResult> } };
    const result = await axe.run((globalThis as unknown as { document: unknown }).document, {
      runOnly: { type: 'tag', values: tags },
      resultTypes: ['violations'],
    });
    return result.violations.map((violation) => ({
      id: violation.id,
      impact: violation.impact,
      help: violation.help,
      helpUrl: violation.helpUrl,
      nodes: violation.nodes.map((node) => ({
        target: node.target.map(String).join(' '),
        summary: node.failureSummary ?? '',
      })),
    }));
  }, RULE_TAGS);
}

export const isBlocking = (violation: Violation) => violation.impact === 'serious' || violation.impact === 'critical';

export function describeViolations(violations: Violation[]): string {
  return violations
    .map(
      (violation) =>
        `${violation.impact}: ${violation.id} (${violation.help}) at ${violation.nodes.map((node) => node.target).join(', ')}\n  ${violation.nodes[0]?.summary.replace(/\n/g, '\n  ') ?? ''}`,
    )
    .join('\n');
}
