import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);

describe('npm run demo', () => {
  it('walks the whole mission through the real adapters and ends with a sound ledger', async () => {
    const { stdout } = await run(process.execPath, ['--import', 'tsx', 'app/demo.ts'], {
      env: { ...process.env, DATABASE_URL: '', REDIS_URL: '', LOG_LEVEL: 'silent' },
      timeout: 120_000,
    });
    expect(stdout).toMatch(/Allocation refused: npm:react-widgets has 40 points; the maximum per package is 34/);
    expect(stdout).toMatch(/Not allowed: Only company admins/);
    expect(stdout).toMatch(/npm:react-widgets maintainers: alice 60 %, bob 40 %/);
    expect(stdout).toMatch(/wish is now funded/);
    expect(stdout).toMatch(/wish is now delivered/);
    // Wish escrow (€300.00 delivered: alice 180, bob 120) plus the month's €340.00 split 60/40.
    expect(stdout).toMatch(/maintainer:alice\s+€384\.00/);
    expect(stdout).toMatch(/maintainer:bob\s+€256\.00/);
    expect(stdout).toMatch(/,npm:react-widgets,alice,20400,0,EUR/);
    expect(stdout).toMatch(/every transaction balances/);
  });
});
