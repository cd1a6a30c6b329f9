// `ssbtek timing [--at <instant>]`: the suggested Tidpunkt (3.2) and why.
import { z } from 'zod';
import { suggestTiming } from '../domain/priority.js';
import type { Command } from './context.js';
import { instant } from './fields.js';
import { renderTiming, timingJson } from './render.js';
import { validateOptions } from './validate.js';

export const timingCommand: Command = {
  summary: 'cli.timing.summary',
  usage: 'cli.timing.usage',
  options: ['at'],
  flags: ['json'],
  run(ctx, args) {
    const calendar = ctx.calendar();
    const { at } = validateOptions(z.object({ at: instant(calendar.contract.timezone, 'cli.error.instant.missing').optional() }), args.values);
    const receivedAt = at ?? ctx.io.now();
    const suggestion = suggestTiming(calendar, receivedAt);
    ctx.print(args.flags.has('json') ? JSON.stringify(timingJson(suggestion, receivedAt)) : renderTiming(ctx.tr, calendar.contract, suggestion, receivedAt));
  },
};
