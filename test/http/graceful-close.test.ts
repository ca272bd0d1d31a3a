// Closing an HTTP server gracefully: requests in flight finish, their kept-alive connections close
// as soon as they are idle (not a keep-alive timeout later), and a deadline bounds the whole.
import { Agent, createServer, get, type Server } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { gracefulClose } from '../../src/http/graceful-close.ts';

const servers: Server[] = [];
afterEach(() => {
  for (const server of servers.splice(0)) server.closeAllConnections();
});

async function serve(delayMs: number): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    if (req.url === '/hang') return; // never answers
    setTimeout(() => res.end(`done ${req.url}`), req.url === '/slow' ? delayMs : 0);
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return { server, url: `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}` };
}

function fetchText(
  url: string,
  agent: Agent,
): Promise<{ status: number; body: string; connection: string | undefined }> {
  return new Promise((resolve, reject) => {
    get(url, { agent }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, connection: res.headers.connection }));
    }).on('error', reject);
  });
}

describe('gracefulClose', () => {
  it('lets a request in flight finish, then closes its kept-alive connection at once', async () => {
    const { server, url } = await serve(300);
    const closer = gracefulClose(server);
    const agent = new Agent({ keepAlive: true });
    await fetchText(`${url}/warm`, agent);
    const started = performance.now();
    const inFlight = fetchText(`${url}/slow`, agent);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(closer.closing).toBe(false);
    const closed = closer.close(5000);
    expect(closer.closing).toBe(true);
    // No new connections once closing.
    await expect(fetchText(`${url}/new`, new Agent())).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    expect(await inFlight).toMatchObject({ status: 200, body: 'done /slow' });
    await closed;
    // Node alone would have waited for the keep-alive timeout (5 s) before closing.
    expect(performance.now() - started).toBeLessThan(1000);
    agent.destroy();
  });

  it('closes what is still running at the deadline', async () => {
    const { server, url } = await serve(0);
    const closer = gracefulClose(server);
    const hanging = fetchText(`${url}/hang`, new Agent());
    hanging.catch(() => {});
    await new Promise((resolve) => setTimeout(resolve, 50));
    const started = performance.now();
    await closer.close(200);
    const took = performance.now() - started;
    expect(took).toBeGreaterThanOrEqual(190);
    expect(took).toBeLessThan(1000);
    await expect(hanging).rejects.toMatchObject({ code: 'ECONNRESET' });
  });

  it('is idempotent', async () => {
    const { server } = await serve(0);
    const closer = gracefulClose(server);
    const first = closer.close(1000);
    expect(closer.close(1000)).toBe(first);
    await first;
  });
});
