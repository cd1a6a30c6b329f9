// `ssbtek import …` and `ssbtek report …` against an embedded store on disk, in process
// (the same main() as bin/ssbtek): all-or-nothing imports with every bad row listed,
// idempotent re-imports, personnummer masked, and the report in its three formats.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import type { CommandTable } from '../../src/cli/context.js';
import { importCommand } from '../../src/cli/import.js';
import { main } from '../../src/cli/main.js';
import { reportCommand } from '../../src/cli/report.js';
import { openDatabase } from '../../src/store/index.js';
import { at } from '../support/time.js';

const TABLE: CommandTable = { report: reportCommand, import: importCommand };
const dir = mkdtempSync(join(tmpdir(), 'ssbtek-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function ssbtek(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (d) => (out += d));
  stderr.on('data', (d) => (err += d));
  const code = await main(TABLE, {
    argv,
    env: { SSBTEK_DATA_DIR: join(dir, 'data'), SSBTEK_LANG: 'sv' },
    stdin: new PassThrough(),
    stdout,
    stderr,
    now: () => at('2026-11-12 09:00'),
  });
  return { code, out, err };
}

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

const INCIDENTS = [
  'ref;myndighet;påverkan;tidpunkt;titel;mottagen;påbörjad;åtgärdad;stängd;säkerhet',
  'H-1;csn;2;3;Långsamma svar;2026-10-05T10:00+02:00;2026-10-05T10:10+02:00;2026-10-05T11:00+02:00;;nej',
  // Kritisk, resolved two weeks late, then closed; a security incident.
  'H-2;skatteverket;1;1;"Avbrott, totalt";2026-10-06T09:00+02:00;2026-10-06T09:05+02:00;2026-10-20T09:00+02:00;2026-10-21T09:00+02:00;ja',
  'H-3;csn;3;3;Kund 811218-9876 fick fel svar;2026-10-30T10:00+01:00;;;;',
  '',
].join('\r\n');

describe('ssbtek import and ssbtek report', () => {
  it('a file with bad rows imports nothing and lists every bad row with its line number and what is wrong', async () => {
    const bad = file(
      'bad.csv',
      [
        'ref,agency,impact,title,received,resolved',
        'B-1,csn,2,Fine,2026-10-05T10:00+02:00,2026-10-05T11:00+02:00',
        'B-2,nowhere,7,,2026-10-05 10:00,',
        '"B-3",csn,2,"Title with ""quotes""\nand a line break",2026-10-05T10:00+02:00,2026-10-04T10:00+02:00',
        'B-1,csn,2,Again,2026-10-05T10:00+02:00,',
      ].join('\n'),
    );
    const r = await ssbtek('import', 'incidents', bad);
    expect(r.code).toBe(2);
    const lines = r.err.split('\n');
    expect(lines[0]).toMatch(/ingenting lästes in, 6 fel:$/);
    expect(r.err).toContain('rad 3, kolumn myndighet: okänd myndighet "nowhere"');
    expect(r.err).toContain('rad 3, kolumn påverkan: "7" ska vara 1, 2, 3 eller 4');
    expect(r.err).toContain('rad 3, kolumn titel: saknas');
    expect(r.err).toContain('rad 3, kolumn mottagen: "2026-10-05 10:00" är inte en tidpunkt i ISO 8601 med förskjutning');
    // The quoted field spans lines 4–5: the record is reported on the line it starts.
    expect(r.err).toContain('rad 4, kolumn åtgärdad: före mottagen');
    expect(r.err).toContain('rad 6, kolumn ref: ref B-1 finns redan på rad 2');
    const db = await openDatabase({ dataDir: join(dir, 'data', 'pglite') });
    try {
      expect(await db.prisma.incident.count()).toBe(0);
    } finally {
      await db.close();
    }
  });

  it('imports incidents with Swedish headers (deadlines from the contract, personnummer masked); the same file again changes nothing', async () => {
    const path = file('incidents.csv', INCIDENTS);
    const first = await ssbtek('import', 'incidents', path);
    expect(first.err).toBe('');
    expect(first.out).toBe('Läste in 3 incidenter (0 fanns redan och lämnades som de var; 3 rader).\n');
    const again = await ssbtek('import', 'incidents', path);
    expect(again.out).toBe('Läste in 0 incidenter (3 fanns redan och lämnades som de var; 3 rader).\n');
    const db = await openDatabase({ dataDir: join(dir, 'data', 'pglite') });
    try {
      const rows = await db.prisma.incident.findMany({ orderBy: { receivedAt: 'asc' } });
      expect(rows).toHaveLength(3);
      expect(rows[2]!.title).not.toContain('811218-9876');
      expect(rows[2]!.title).toContain('[personnummer]');
      expect(rows[1]).toMatchObject({ priority: 'critical', status: 'closed', security: true });
      // Kritisk: 30 min response, 8 support hours resolution, computed from the receipt.
      expect(rows[1]!.responseDueAt.getTime()).toBe(at('2026-10-06 09:30'));
      expect(rows[1]!.resolutionDueAt.getTime()).toBe(at('2026-10-06 17:00'));
    } finally {
      await db.close();
    }
  });

  it('imports orders with English headers and outages; a re-import of outages changes nothing', async () => {
    const orders = file(
      'orders.csv',
      'ref,agency,type,title,received,resolved\nO-1,csn,question,Field meaning,2026-10-07T09:00+02:00,2026-10-08T09:00+02:00\nO-2,csn,anslutning,New connection,2026-10-07T09:00+02:00,\n',
    );
    expect((await ssbtek('import', 'orders', orders)).out).toContain('Läste in 2 beställningar');
    const outages = file(
      'outages.csv',
      'ref,start,slut,bastjänster,orsak,åtgärdsplan\nA-1,2026-10-16T16:00+02:00,2026-10-19T09:00+02:00,Inkomstuppgifter,Nätverk,Byt switch\n',
    );
    expect((await ssbtek('import', 'outages', outages)).out).toContain('Läste in 1 avbrott');
    expect((await ssbtek('import', 'outages', outages)).out).toContain('Läste in 0 avbrott (1 fanns redan');
  });

  it('ssbtek report --format json has the fields scripts rely on', async () => {
    const r = await ssbtek('report', '--month', '2026-10', '--format', 'json');
    expect(r.code).toBe(0);
    const json = JSON.parse(r.out);
    expect(json.schema).toBe('ssbtek.report/1');
    expect(json.incidents.byPriority.critical).toMatchObject({ resolved: 1, responseMet: 1, resolutionMet: 0 });
    expect(json.incidents.byPriority.medium).toMatchObject({ resolved: 1, responseMet: 1, resolutionMet: 1 });
    expect(json.incidents.openAtMonthEnd.count).toBe(1);
    expect(json.orders).toMatchObject({ resolved: 1, resolutionMet: 1 });
    expect(json.orders.openAtMonthEnd.count).toBe(1);
    // Friday 16:00 to Monday 09:00: 2 hours of opening time.
    expect(json.availability.downtimeMinutes).toBe(120);
    expect(json.outages.unplanned).toBe(1);
    expect(json.security.count).toBe(1);
  });

  it('ssbtek report prints the same report as Markdown and CSV; bad options are refused with exit 2', async () => {
    const md = await ssbtek('report', '--month', '2026-10');
    expect(md.out).toMatch(/^# /);
    expect(md.out).toContain('| Oplanerade avbrott i månaden | 1 | ≤ 4 | ✅ |');
    const csv = await ssbtek('report', '--month', '2026-10', '--format', 'csv', '--agency', 'csn');
    expect(csv.out.split('\r\n')[0]).toBe('avsnitt,grupp,ärende,fält,värde');
    expect(csv.out).toContain('report,,,agency,csn\r\n');
    const refused = await ssbtek('report', '--month', '2026-13', '--format', 'pdf');
    expect(refused.code).toBe(2);
    expect(refused.err).toContain('--month ska vara ÅÅÅÅ-MM');
    expect(refused.err).toContain('--format ska vara md, csv, json');
  });
});
