// `ssbtek deadlines`: response and resolution deadlines of one case, or of a stream of
// cases with --batch (see batch.ts).
import { z } from 'zod';
import { deadlinesFor, targetsFor } from '../domain/deadlines.js';
import { batchLineProcessor, runBatch } from './batch.js';
import { CliError, type Command } from './context.js';
import { agency, caseSchema } from './fields.js';
import { deadlinesJson, renderDeadlines } from './render.js';
import { validateOptions } from './validate.js';

/** Options that describe one case, and so cannot go with --batch. */
const CASE_OPTIONS = ['kind', 'priority', 'type', 'opened'] as const;

export const deadlinesCommand: Command = {
  summary: 'cli.deadlines.summary',
  usage: 'cli.deadlines.usage',
  options: ['kind', 'priority', 'type', 'opened', 'org'],
  flags: ['json', 'batch'],
  usageVars(ctx) {
    const contract = ctx.contract();
    return { defaultOrg: contract.defaultAgency, agencies: contract.agencies.map((a) => a.id).join(', ') };
  },
  async run(ctx, args) {
    const contract = ctx.contract();
    if (args.flags.has('batch')) {
      const conflicts = CASE_OPTIONS.filter((name) => name in args.values);
      if (conflicts.length) throw new CliError(conflicts.map((name) => ({ key: 'cli.error.batchConflict', vars: { option: `--${name}` } })));
      const { org } = validateOptions(z.object({ org: agency(contract).optional() }), args.values);
      const processLine = batchLineProcessor(contract, ctx.calendar(), ctx.tr, org ?? contract.defaultAgency);
      await runBatch(ctx.io.stdin, ctx.io.stdout, processLine);
      return;
    }
    const { ref, opened, org } = validateOptions(caseSchema(contract), args.values);
    const view = { ref, org, receivedAt: opened, deadlines: deadlinesFor(ctx.calendar(), ref, opened, org), targets: targetsFor(contract, ref) };
    ctx.print(args.flags.has('json') ? JSON.stringify(deadlinesJson(view, contract.version)) : renderDeadlines(ctx.tr, contract, view));
  },
};
