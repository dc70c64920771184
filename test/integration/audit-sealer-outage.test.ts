// A sealer that cannot reach its tables (the database down, a privilege taken away) fails at every
// tick, five times a second by default: the log gets the first failure, then at most one line a
// minute, and one line when sealing works again.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/config';
import { createPlatform, type Platform } from '../../src/platform';
import { applicationRoleEnv, createTestPlatform, type TestPlatform } from '../support/test-platform';

describe('the audit sealer during an outage', () => {
  let t: TestPlatform;
  let platform: Platform;
  const logged: string[] = [];
  const sealerLines = () => logged.filter((line) => line.startsWith('audit sealer:'));

  beforeAll(async () => {
    t = await createTestPlatform(applicationRoleEnv);
    platform = await createPlatform(loadConfig({ ...t.env, AUDIT_SEAL_INTERVAL_MS: '10' }), (line) =>
      logged.push(line),
    );
  });
  afterAll(async () => {
    await platform?.close();
    await t?.close();
  });

  it('logs the first failure and the recovery, not every failed tick', async () => {
    const sql = await t.db.superuser();
    await sql.query('revoke select on audit_inbox from platform_app');
    platform.services.audit.sealer.start();
    await new Promise((resolve) => setTimeout(resolve, 500)); // some fifty ticks

    const failures = sealerLines();
    expect(failures).toHaveLength(1);
    expect(failures[0]).toMatch(
      /^audit sealer: .*permission denied for table audit_inbox; trying again every 10 ms$/,
    );

    await sql.query('grant select on audit_inbox to platform_app');
    await new Promise((resolve) => setTimeout(resolve, 200));
    const lines = sealerLines();
    expect(lines).toHaveLength(2);
    expect(lines[1]).toMatch(/^audit sealer: sealing again after \d+ failed attempts$/);
    expect(Number(/after (\d+)/.exec(lines[1]!)?.[1])).toBeGreaterThan(5);
  });
});
