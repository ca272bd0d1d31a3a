// The upstream call alone: the app's own Azure DevOps client and keep-alive agent, called in a
// closed loop by `concurrency` workers, with no web app in front.
import { performance } from 'node:perf_hooks';
import { createDevOpsClient } from '../src/devops/client.ts';
import { createHttpsAgent } from '../src/http/https-agent.ts';
import { summarize, type Summary } from './stats.ts';

export interface UpstreamTarget {
  ca: string;
  patsBaseUrl: string;
  profileBaseUrl: string;
  accessToken: string;
  organization: string;
}

export async function runUpstream(
  target: UpstreamTarget,
  options: { concurrency: number; seconds: number },
): Promise<Summary & { errors: number }> {
  const agent = createHttpsAgent({ ca: target.ca });
  const devops = createDevOpsClient({
    patsBaseUrl: target.patsBaseUrl,
    profileBaseUrl: target.profileBaseUrl,
    timeoutMs: 10_000,
    httpsAgent: agent,
  });
  const token = async () => target.accessToken;
  const latencies: number[] = [];
  let errors = 0;
  const started = performance.now();
  const deadline = started + options.seconds * 1000;
  const worker = async () => {
    while (performance.now() < deadline) {
      const begun = performance.now();
      try {
        await devops.listTokens(token, target.organization, {
          filter: 'active',
          sortBy: 'displayName',
          ascending: true,
          top: 25,
        });
        latencies.push(performance.now() - begun);
      } catch {
        errors += 1;
      }
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, worker));
  agent.destroy();
  return { ...summarize(latencies, (performance.now() - started) / 1000), errors };
}
