// The baseline of the banner benchmark: a bare `node:http` server answering a fixed SVG (the
// banner's own bytes, from BANNER_SVG_FILE) on every path, and 200 on /healthz.
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';

const svg = readFileSync(process.env.BANNER_SVG_FILE!, 'utf8');
const server = createServer((req, res) => {
  if (req.url === '/healthz') return void res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
  res.writeHead(200, { 'content-type': 'image/svg+xml; charset=utf-8', 'content-length': Buffer.byteLength(svg) });
  res.end(svg);
});
server.listen(Number(process.env.PORT), '127.0.0.1');
process.on('SIGTERM', () => {
  server.closeAllConnections();
  server.close(() => process.exit(0));
});
