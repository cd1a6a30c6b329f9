// `ssbtek import incidents|orders|problems|outages <file.csv>`: history into the store so
// the first report has the year behind it. All or nothing: a file with a bad row imports
// nothing and every bad row is listed with its line number (exit 2). Importing the same
// refs again changes nothing.
import { readFile } from 'node:fs/promises';
import { HistoryImporter, IMPORT_KINDS, isImportKind } from '../services/import.js';
import { CliError, type Command } from './context.js';
import { openCliStore } from './report.js';

export const importCommand: Command = {
  summary: 'compliance.cli.import.summary',
  usage: 'compliance.cli.import.usage',
  words: true,
  async run(ctx, args) {
    const [kind, file, ...extra] = args.words;
    if (!isImportKind(kind)) throw new CliError({ key: 'compliance.cli.import.kind', vars: { value: kind ?? '', allowed: IMPORT_KINDS.join(', ') } });
    if (!file || extra.length) throw new CliError({ key: 'compliance.cli.import.file' });
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (err) {
      throw new CliError({ key: 'compliance.cli.import.unreadable', vars: { file, code: (err as NodeJS.ErrnoException).code ?? 'error' } });
    }
    const contract = ctx.contract();
    const database = await openCliStore(ctx);
    try {
      const importer = new HistoryImporter({ prisma: database.prisma, contract, calendar: ctx.calendar() });
      const actor = { id: ctx.io.env.SSBTEK_USER?.trim() || 'import', source: 'cli' as const };
      const result = await importer.import(kind, text, actor, ctx.io.now());
      if (result.problems.length) {
        throw new CliError([
          { key: 'compliance.cli.import.rejected', vars: { file, count: result.problems.length } },
          ...result.problems.map((p) => ({
            key: p.column === null ? 'compliance.cli.import.problemLine' : 'compliance.cli.import.problem',
            vars: { line: p.line, column: p.column ?? '', what: ctx.tr.t(p.key, p.vars) },
          })),
        ]);
      }
      ctx.print(
        ctx.tr.t('compliance.cli.import.done', {
          imported: result.imported,
          skipped: result.skipped,
          rows: result.rows,
          kind: ctx.tr.t(`compliance.cli.import.kinds.${kind}`),
        }),
      );
    } finally {
      await database.close();
    }
  },
};
