import * as net from 'node:net';
import * as fs from 'node:fs';

/**
 * A port for an app process a test starts itself, chosen OUTSIDE the kernel's ephemeral range.
 *
 * `listen(0)` hands out ephemeral ports, and so does every supertest request in the other jest
 * worker (it listens on port 0 for each request) and every outgoing connection. A port found free
 * with `listen(0)` and released can be taken by one of those in the seconds before the child app
 * binds it: the test then reads another app's /health and finds the port closed a moment later
 * (CI, 2026-12-08: startup.e2e-spec beside the crawler). Ports below the ephemeral range are only
 * taken by an explicit bind, i.e. by another test that chose the same number here.
 */
export async function appPort(): Promise<number> {
  const low = ephemeralLow();
  const from = 20_000;
  const to = Math.max(from + 1_000, low - 1);
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = from + Math.floor(Math.random() * (to - from));
    if (await canListen(port)) return port;
  }
  throw new Error(`no free port between ${from} and ${to}`);
}

function ephemeralLow(): number {
  try {
    const [low] = fs.readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/).map(Number);
    return Number.isInteger(low) && low > 21_000 ? low : 32_768;
  } catch {
    return 32_768;
  }
}

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}
