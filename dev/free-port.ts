// A TCP port nothing listens on right now (the OS's choice of an ephemeral one), for the demo,
// tests and benchmarks that start servers and hand their address to others before listening.
import { createServer } from 'node:net';

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}
