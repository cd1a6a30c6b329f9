// `ssbtek deadlines --batch`: JSON Lines in, JSON Lines out, one output line per input
// line and in the same order, streamed so that memory stays flat however long the input.
//
// Input line:  {"kind":"incident","priority":"Kritisk","opened":"2026-11-27T16:45+01:00","org":"csn"}
// Output line: {"response":"2026-11-30T07:15:00.000Z","resolution":"2026-11-30T14:45:00.000Z"}
//          or  {"error":"<what is wrong, in the chosen language>"}
// A blank line gets an error line too, so line N of the output always answers line N
// of the input. A final newline does not start another line.
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { z } from 'zod';
import type { Contract } from '../config/contract.js';
import type { BusinessCalendar } from '../domain/calendar.js';
import { deadlinesFor } from '../domain/deadlines.js';
import type { Translator } from '../i18n/index.js';
import { problemText } from './context.js';
import { CASE_FIELDS, caseSchema, jsonFieldName, problemsOf } from './fields.js';
import { isoUtc } from './instant.js';

/** Answers one input line with one output line (without the newline). Never throws. */
export type LineProcessor = (line: string) => string;

export function batchLineProcessor(contract: Contract, calendar: BusinessCalendar, tr: Translator, defaultOrg = contract.defaultAgency): LineProcessor {
  // Compiled once: a generated fast path for valid lines, zod's own parser (and messages) for the rest.
  const schema = z.compile(caseSchema(contract, defaultOrg));
  const error = (message: string) => JSON.stringify({ error: message });
  return (line) => {
    if (line.trim() === '') return error(tr.t('cli.batch.emptyLine'));
    let data: unknown;
    try {
      data = JSON.parse(line);
    } catch (err) {
      return error(tr.t('cli.batch.notJson', { detail: (err as Error).message }));
    }
    if (typeof data !== 'object' || data === null || Array.isArray(data)) return error(tr.t('cli.batch.notObject'));
    const parsed = schema.safeParse(data);
    if (!parsed.success)
      return error(
        problemsOf(parsed.error, jsonFieldName, CASE_FIELDS)
          .map((p) => problemText(tr, p))
          .join(' '),
      );
    const { ref, opened, org } = parsed.data;
    try {
      const d = deadlinesFor(calendar, ref, opened, org);
      const response = d.response === null ? 'null' : `"${isoUtc(d.response)}"`;
      return `{"response":${response},"resolution":"${isoUtc(d.resolution)}"}`;
    } catch (err) {
      return error(tr.t('cli.batch.failed', { detail: (err as Error).message }));
    }
  };
}

/**
 * Reads lines from `input` and writes each answer to `output` in order. Answers are
 * written once per chunk of input (so an interactive producer gets its answer at
 * once), and reading pauses while `output` is full. Resolves with the line count.
 */
export async function runBatch(input: NodeJS.ReadableStream, output: NodeJS.WritableStream, processLine: LineProcessor): Promise<number> {
  const lines = createInterface({ input, crlfDelay: Infinity, terminal: false });
  let pending: string[] = [];
  let scheduled = false;
  let count = 0;
  const flush = () => {
    scheduled = false;
    if (pending.length === 0) return;
    const chunk = pending.join('');
    pending = [];
    if (!output.write(chunk)) {
      lines.pause();
      output.once('drain', () => lines.resume());
    }
  };
  lines.on('line', (line: string) => {
    if (count === 0 && line.charCodeAt(0) === 0xfeff) line = line.slice(1); // a byte-order mark
    count++;
    pending.push(`${processLine(line)}\n`);
    if (!scheduled) {
      scheduled = true;
      setImmediate(flush);
    }
  });
  await once(lines, 'close');
  flush();
  return count;
}
