// One bot process for the multi-process routine test: the whole app on DATABASE_URL with
// the routine's parties, delivering e-mail over SMTP_URL, until SIGTERM.
import { createApp } from '../../src/app.js';
import { buildContract } from '../../src/config/load.js';
import { MULTI_PARTIES } from './multi-parties.js';

const app = await createApp({
  contract: buildContract({ routine: { parties: MULTI_PARTIES } }),
  databaseUrl: process.env.DATABASE_URL,
  schedulerOwner: process.env.SSBTEK_USER,
  log: { info() {}, warn() {}, error: (m, e) => process.stderr.write(`${m} ${String(e ?? '')}\n`) },
});
app.jobs.runner.start(Number(process.env.SSBTEK_SCHEDULER_POLL_MS ?? 250));
process.stdout.write('ready\n');
process.once('SIGTERM', () => {
  void app.close().then(() => process.exit(0));
});
