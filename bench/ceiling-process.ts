// The ceiling for this stack: the same token list page, rendered from the same Azure DevOps call
// with the same client (the app's Azure DevOps client over the same keep-alive agent), by a bare
// Express + EJS server with no session, sign-in, CSRF, security headers or request log. PAT Manager
// cannot be faster than it.
import express from 'express';
import { fileURLToPath } from 'node:url';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import { createDevOpsClient } from '../src/devops/client.ts';
import { createHttpsAgent } from '../src/http/https-agent.ts';
import { apiSortOf, listQuerySchema, SORT_LABELS } from '../src/web/forms/list-query.ts';
import { viewOf } from '../src/web/token-view.ts';
import { viewEngine } from '../src/web/view-engine.ts';
import { serveParent } from './child.ts';

const agent = createHttpsAgent({ ca: readFileSync(process.env.BENCH_CA_FILE!, 'utf8') });
const devops = createDevOpsClient({
  patsBaseUrl: process.env.BENCH_PATS_URL!,
  profileBaseUrl: process.env.BENCH_PROFILE_URL!,
  timeoutMs: 10_000,
  httpsAgent: agent,
});
const organizations = JSON.parse(process.env.BENCH_ORGANIZATIONS!) as Array<{ accountId: string; accountName: string }>;
let accessToken = '';

const app = express();
const viewsDir = fileURLToPath(new URL('../views', import.meta.url));
app.set('view engine', 'ejs');
app.set('views', viewsDir);
app.engine('ejs', viewEngine(viewsDir, true));
// As the app runs in production: templates compiled once, and pages without an ETag.
app.set('view cache', true);
app.set('etag', false);
app.get('/', async (req, res) => {
  const query = listQuerySchema.parse(req.query);
  const page = await devops.listTokens(async () => accessToken, 'contoso', {
    filter: query.status,
    sortBy: apiSortOf(query.sort) ?? 'displayName',
    ascending: query.order === 'asc',
    top: query.size,
  });
  const now = new Date();
  res.render('tokens/list', {
    title: 'Your tokens',
    query,
    tokens: page.tokens.map((token) => viewOf(token, { now, listedAs: query.status, organizations })),
    pager: {
      page: 1,
      pageCount: null,
      total: null,
      shown: page.tokens.length,
      noun: ['token', 'tokens'],
      nextUrl: page.continuationToken ? '/?next' : undefined,
    },
    truncated: false,
    notices: [],
    sortLabels: SORT_LABELS,
    sortUrl: (sort: string) => `/?sort=${sort}`,
    exportUrl: (format: string) => `/export?format=${format}`,
    demo: true,
    account: { name: 'Ada Lovelace' },
    organization: 'contoso',
    organizations,
    flash: [],
    currentPath: '/',
    currentUrl: req.originalUrl,
    csrfToken: () => 'ceiling',
  });
});

const server = app.listen(0, '127.0.0.1');
await new Promise((resolve) => server.once('listening', resolve));
serveParent(
  { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` },
  {
    useAccessToken: (token: string) => {
      accessToken = token;
    },
  },
  async () => {
    await new Promise((resolve) => server.close(resolve));
    agent.destroy();
  },
);
