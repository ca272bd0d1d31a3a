// A private nginx (Debian's package) in front of app instances: round robin over loopback ports,
// with the X-Forwarded-* headers a deployment sets. Everything it writes (config, pid, temp files,
// access log) is in a temp dir; it runs in the foreground (`daemon off;`, `-p dir -c conf -e stderr`)
// so the test owns its process. The access log names the upstream of each request, never a query
// string (an authorization code travels in one).
import { chmodSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startChild, type ChildService } from './processes.ts';

const START_TIMEOUT_MS = 10_000;
/** Debian installs it in /usr/sbin, which not every PATH has. */
const NGINX = existsSync('/usr/sbin/nginx') ? '/usr/sbin/nginx' : 'nginx';

interface AccessLogEntry {
  method: string;
  path: string;
  status: number;
  /** The port of the instance that answered (the last one tried, if nginx moved on from a failed one). */
  upstreamPort: number | undefined;
}

export interface TestNginx {
  url: string;
  port: number;
  service: ChildService;
  accessLog(): AccessLogEntry[];
  close(): Promise<void>;
}

function nginxConfig(options: { dir: string; port: number; upstreamPorts: number[] }): string {
  const { dir, port, upstreamPorts } = options;
  return `
daemon off;
worker_processes 1;
pid ${dir}/nginx.pid;
error_log stderr warn;
events { worker_connections 256; }
http {
  log_format upstreams '$request_method $uri $status $upstream_addr';
  access_log ${dir}/access.log upstreams;
  client_body_temp_path ${dir}/client_body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;

  upstream patmanager {
${upstreamPorts.map((upstream) => `    server 127.0.0.1:${upstream} max_fails=1 fail_timeout=10s;`).join('\n')}
  }

  server {
    listen 127.0.0.1:${port};
    location / {
      proxy_pass http://patmanager;
      proxy_set_header Host $http_host;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      proxy_set_header X-Forwarded-Proto $scheme;
      proxy_set_header X-Forwarded-Host $host;
      proxy_connect_timeout 2s;
      proxy_read_timeout 30s;
      proxy_next_upstream error timeout;
      proxy_max_temp_file_size 0;
    }
  }
}
`;
}

/** nginx on `port` (the public address the app registration names), balancing over `upstreamPorts`. */
export async function startNginx(port: number, upstreamPorts: number[]): Promise<TestNginx> {
  const dir = mkdtempSync(join(tmpdir(), 'pat-manager-nginx-'));
  // Workers drop root privileges to "nobody" and must reach their temp paths.
  chmodSync(dir, 0o755);
  const configFile = join(dir, 'nginx.conf');
  writeFileSync(configFile, nginxConfig({ dir, port, upstreamPorts }));
  writeFileSync(join(dir, 'access.log'), '');
  const service = startChild('nginx', NGINX, ['-p', `${dir}/`, '-c', configFile, '-e', 'stderr']);
  const started = performance.now();
  while (!(await accepts(port))) {
    if (performance.now() - started > START_TIMEOUT_MS || service.child.exitCode !== null) {
      await service.stop(1000);
      throw new Error(`nginx did not start (is Debian's nginx package installed?):\n${service.lines.join('\n')}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    service,
    accessLog: () =>
      readFileSync(join(dir, 'access.log'), 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((line) => {
          const [method = '', path = '', status = '0', ...upstreams] = line.split(' ');
          const last = upstreams
            .join(' ')
            .split(/[ ,:]+/)
            .filter((part) => /^\d+$/.test(part))
            .at(-1);
          return { method, path, status: Number(status), upstreamPort: last ? Number(last) : undefined };
        }),
    close: async () => {
      await service.stop(5000);
    },
  };
}

async function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
