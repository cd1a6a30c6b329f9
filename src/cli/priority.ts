// `ssbtek priority --impact 1 --timing 2`: the contract's priority (4.3), in words.
import { z } from 'zod';
import { priorityOf } from '../domain/priority.js';
import type { Command } from './context.js';
import { level } from './fields.js';
import { priorityJson, renderPriority } from './render.js';
import { validateOptions } from './validate.js';

const schema = z.object({ impact: level(), timing: level() });

export const priorityCommand: Command = {
  summary: 'cli.priority.summary',
  usage: 'cli.priority.usage',
  options: ['impact', 'timing'],
  flags: ['json'],
  run(ctx, args) {
    const { impact, timing } = validateOptions(schema, args.values);
    const priority = priorityOf(ctx.contract(), impact, timing);
    ctx.print(args.flags.has('json') ? JSON.stringify(priorityJson(impact, timing, priority)) : renderPriority(ctx.tr, impact, timing, priority));
  },
};
