// The operations server as main.ts builds it: /livez, /readyz and /metrics on one
// HttpServer over a real store, with the requests themselves counted.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOpsServer, type OpsServer } from '../../src/http/ops.js';
import { openDatabase, type Database } from '../../src/store/index.js';

describe('createOpsServer', () => {
  let db: Database;
  let ops: OpsServer;
  let url: string;
  let lastPass: number | undefined;
  beforeAll(async () => {
    db = await openDatabase({ dataDir: 'memory://' });
    ops = createOpsServer({ database: db, log: { warn() {}, error() {} }, lastPassAt: () => lastPass, pollIntervalMs: 1_000 });
    url = `http://127.0.0.1:${await ops.server.listen(0, '127.0.0.1')}`;
  });
  afterAll(async () => {
    await ops.server.close(100);
    await db.close();
  });

  it('is ready once the scheduler has made a pass, and says so in /metrics too', async () => {
    expect((await fetch(`${url}/livez`)).status).toBe(200);
    const before = await fetch(`${url}/readyz`);
    expect(before.status).toBe(503);
    expect(((await before.json()) as { failing: string[] }).failing).toEqual(['scheduler: the scheduler has not completed a pass yet']);
    lastPass = Date.now();
    expect((await fetch(`${url}/readyz`)).status).toBe(200);
    const text = await (await fetch(`${url}/metrics`)).text();
    expect(text).toMatch(/^ssbtek_incidents_open\{priority="critical"\} 0$/m);
    expect(text).toMatch(/^ssbtek_http_requests_total\{method="GET",route="\/readyz",status="503"\} 1$/m);
    expect(text).toMatch(/^ssbtek_scheduler_last_pass_timestamp_seconds \d+/m);
    expect(text).toMatch(/^process_resident_memory_bytes \d+/m);
  });
});
