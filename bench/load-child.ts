// The child process of bench/harness.ts `inChild`: imports `argv[2]` (relative to bench/), calls
// its export `argv[3]` with the JSON read from stdin and prints the result as one JSON line.
import { pathToFileURL } from 'node:url';
import path from 'node:path';

const [modulePath, exportName] = process.argv.slice(2) as [string, string];
let input = '';
for await (const chunk of process.stdin) input += (chunk as Buffer).toString('utf8');
const mod = (await import(pathToFileURL(path.join(import.meta.dirname, modulePath)).href)) as Record<string, (args: unknown) => Promise<unknown>>;
const fn = mod[exportName];
if (typeof fn !== 'function') throw new Error(`${modulePath} has no export ${exportName}`);
const result = await fn(JSON.parse(input));
process.stdout.write(`\n${JSON.stringify(result)}\n`);
process.exit(0);
