// The `ssbtek` command line: `npm run ssbtek -- <command> …`, or `npx ssbtek …` once
// installed (bin/ssbtek.js). Usage: `ssbtek help`.
//
// Commands are a table: to add one (say `ssbtek migrate`), write a Command in
// src/cli/<name>.ts (summary and usage texts in a locales/*/ file, a thin run():
// validate → domain → render) and add one line below. Help lists it by itself.
import type { CommandTable } from './cli/context.js';
import { deadlinesCommand } from './cli/deadlines.js';
import { extraHoursCommand } from './cli/extra-hours.js';
import { helpCommand } from './cli/help.js';
import { importCommand } from './cli/import.js';
import { main } from './cli/main.js';
import { migrateCommand } from './cli/migrate.js';
import { priorityCommand } from './cli/priority.js';
import { reportCommand } from './cli/report.js';
import { timingCommand } from './cli/timing.js';
import { windowCommand } from './cli/window.js';

export const COMMANDS: CommandTable = {
  priority: priorityCommand,
  timing: timingCommand,
  deadlines: deadlinesCommand,
  window: windowCommand,
  'extra-hours': extraHoursCommand,
  migrate: migrateCommand,
  report: reportCommand,
  import: importCommand,
  help: helpCommand(() => COMMANDS),
};

// A reader that goes away (`ssbtek deadlines --batch < big | head`) is not an error.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(0);
  throw err;
});

process.exitCode = await main(COMMANDS, {
  argv: process.argv.slice(2),
  env: process.env,
  stdin: process.stdin,
  stdout: process.stdout,
  stderr: process.stderr,
  now: () => Date.now(),
});
