// History import: incidents, orders, problems and outages from CSV, so the first report
// has the year behind it (`ssbtek import <kind> <file.csv>`).
//
// - Headers in Swedish or English, in any order and case (ref, myndighet|agency,
//   påverkan|impact, tidpunkt|timing, titel|title, mottagen|received, påbörjad|acknowledged,
//   åtgärdad|resolved, stängd|closed, säkerhet|security; orders also typ|type; outages
//   start, slut|end, bastjänster|base_services, orsak|cause, åtgärdsplan|action_plan,
//   planerad|planned, myndigheter|agencies).
// - Instants ISO 8601 with an offset ("2026-10-05T10:00+02:00", "…Z").
// - Deadlines are computed from the contract, never read from the file.
// - All or nothing: every row is checked first; one bad row and nothing is written, and
//   every bad row is reported with its line number and what is wrong.
// - Idempotent: a row whose ref was imported before is skipped (the stored one stands).
// - Personnummer in titles and texts are masked before anything is stored.
import { DateTime } from 'luxon';
import { Prisma as P } from '../store/index.js';
import { ORDER_TYPES, type Contract, type OrderType } from '../config/contract.js';
import type { BusinessCalendar } from '../domain/calendar.js';
import { deadlinesFor } from '../domain/deadlines.js';
import { maskPersonalNumbers } from '../domain/pii.js';
import { priorityOf, suggestTiming, type Level } from '../domain/priority.js';
import { sanitizeLine, textLength } from '../domain/text.js';
import type { Prisma, PrismaClient } from '../store/index.js';
import { importKey, type CaseKindName } from './cases.js';
import { actorId, type Actor, TEXT_MAX, TITLE_MAX } from './incidents.js';

export const IMPORT_KINDS = ['incidents', 'orders', 'problems', 'outages'] as const;
export type ImportKind = (typeof IMPORT_KINDS)[number];

/** One problem with one row: the physical line it starts on, the column, a text key (compliance.import.*) and its values. */
export interface RowProblem {
  line: number;
  column: string | null;
  key: string;
  vars: Record<string, string | number>;
}

export interface ImportResult {
  kind: ImportKind;
  rows: number;
  imported: number;
  /** Rows whose ref was imported before: left as they are. */
  skipped: number;
  /** When not empty nothing was written. */
  problems: RowProblem[];
}

// ------------------------------------------------------------------------------ CSV

export interface CsvRecord {
  /** The 1-based line the record starts on. */
  line: number;
  fields: string[];
}

/**
 * RFC 4180: fields separated by a comma (or a semicolon, when the header line has more
 * semicolons than commas, as spreadsheets in Swedish locales write), records by CRLF or
 * LF, a field in double quotes may hold separators, line breaks and doubled quotes. A
 * byte order mark is ignored; blank lines are skipped. Throws CsvSyntaxError for an
 * unterminated quote or text after a closing quote.
 */
export function parseCsv(text: string): CsvRecord[] {
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const firstLine = text.slice(0, text.search(/\r?\n|$/));
  const sep = (firstLine.match(/;/g)?.length ?? 0) > (firstLine.match(/,/g)?.length ?? 0) ? ';' : ',';
  const records: CsvRecord[] = [];
  let line = 1;
  let i = 0;
  const n = text.length;
  while (i < n) {
    const start = line;
    const fields: string[] = [];
    for (;;) {
      let value = '';
      if (text[i] === '"') {
        const quoteLine = line;
        i++;
        for (;;) {
          if (i >= n) throw new CsvSyntaxError(quoteLine, 'unterminated');
          const ch = text[i]!;
          if (ch === '"') {
            if (text[i + 1] === '"') {
              value += '"';
              i += 2;
              continue;
            }
            i++;
            break;
          }
          if (ch === '\n') line++;
          value += ch;
          i++;
        }
        if (i < n && text[i] !== sep && text[i] !== '\n' && text[i] !== '\r') throw new CsvSyntaxError(line, 'afterQuote');
      } else {
        const from = i;
        while (i < n && text[i] !== sep && text[i] !== '\n' && text[i] !== '\r') i++;
        value = text.slice(from, i);
      }
      fields.push(value);
      if (i < n && text[i] === sep) {
        i++;
        continue;
      }
      break;
    }
    if (text[i] === '\r') i++;
    if (text[i] === '\n') i++;
    line++;
    if (!(fields.length === 1 && fields[0] === '')) records.push({ line: start, fields });
  }
  return records;
}

export class CsvSyntaxError extends Error {
  constructor(
    readonly line: number,
    readonly reason: 'unterminated' | 'afterQuote',
  ) {
    super(`CSV syntax error on line ${line}: ${reason}`);
    this.name = 'CsvSyntaxError';
  }
}

// ------------------------------------------------------------------------------ columns

type Column =
  | 'ref'
  | 'agency'
  | 'agencies'
  | 'impact'
  | 'timing'
  | 'title'
  | 'type'
  | 'received'
  | 'acknowledged'
  | 'resolved'
  | 'closed'
  | 'security'
  | 'start'
  | 'end'
  | 'baseServices'
  | 'cause'
  | 'actionPlan'
  | 'planned'
  | 'kind';

const HEADER_WORDS: Record<Column, string[]> = {
  ref: ['ref', 'referens', 'id'],
  agency: ['myndighet', 'agency', 'org'],
  agencies: ['myndigheter', 'agencies'],
  impact: ['påverkan', 'paverkan', 'impact'],
  timing: ['tidpunkt', 'timing'],
  title: ['titel', 'rubrik', 'title'],
  type: ['typ', 'type', 'ordertyp', 'order_type'],
  received: ['mottagen', 'received', 'received_at'],
  acknowledged: ['påbörjad', 'paborjad', 'acknowledged', 'acknowledged_at'],
  resolved: ['åtgärdad', 'atgardad', 'resolved', 'resolved_at'],
  closed: ['stängd', 'stangd', 'closed', 'closed_at'],
  security: ['säkerhet', 'sakerhet', 'security'],
  start: ['start', 'början', 'borjan'],
  end: ['slut', 'end'],
  baseServices: ['bastjänster', 'bastjanster', 'base_services', 'baseservices', 'services'],
  cause: ['orsak', 'cause'],
  actionPlan: ['åtgärdsplan', 'atgardsplan', 'action_plan', 'actionplan'],
  planned: ['planerad', 'planned'],
  kind: ['art', 'kind'],
};

const WORD_TO_COLUMN = new Map<string, Column>(Object.entries(HEADER_WORDS).flatMap(([c, words]) => words.map((w) => [w, c as Column] as const)));

const REQUIRED: Record<ImportKind, Column[]> = {
  incidents: ['ref', 'impact', 'title', 'received'],
  problems: ['ref', 'impact', 'title', 'received'],
  orders: ['ref', 'type', 'title', 'received'],
  outages: ['ref', 'start', 'end'],
};

const ALLOWED: Record<ImportKind, Column[]> = {
  incidents: ['ref', 'agency', 'impact', 'timing', 'title', 'received', 'acknowledged', 'resolved', 'closed', 'security'],
  problems: ['ref', 'agency', 'impact', 'timing', 'title', 'received', 'acknowledged', 'resolved', 'closed', 'security'],
  orders: ['ref', 'agency', 'type', 'title', 'received', 'acknowledged', 'resolved', 'closed'],
  outages: ['ref', 'start', 'end', 'agencies', 'agency', 'baseServices', 'cause', 'actionPlan', 'planned', 'kind', 'title'],
};

const ORDER_TYPE_WORDS: Record<string, OrderType> = {
  anslutning: 'connection',
  connection: 'connection',
  fråga: 'question',
  fraga: 'question',
  question: 'question',
};
const YES = new Set(['ja', 'j', 'yes', 'y', 'true', '1', 'x']);
const NO = new Set(['nej', 'n', 'no', 'false', '0', '']);
const OUTAGE_KINDS = new Set(['unplanned', 'overrun', 'disturbed', 'oplanerat', 'överdrag', 'overdrag', 'störning', 'storning']);
const OUTAGE_KIND: Record<string, string> = { oplanerat: 'unplanned', överdrag: 'overrun', overdrag: 'overrun', störning: 'disturbed', storning: 'disturbed' };

// ------------------------------------------------------------------------------ rows

export interface ImportedIncidentRow {
  ref: string;
  agency: string;
  impact: Level;
  timing: Level | null;
  title: string;
  security: boolean;
  received: number;
  acknowledged: number | null;
  resolved: number | null;
  closed: number | null;
}

export interface ImportedOrderRow extends Omit<ImportedIncidentRow, 'impact' | 'timing' | 'security'> {
  type: OrderType;
}

export interface ImportedOutageRow {
  ref: string;
  start: number;
  end: number | null;
  agencies: string[];
  baseServices: string[];
  cause: string | null;
  actionPlan: string | null;
  planned: boolean;
  kind: string;
}

type Row = ImportedIncidentRow | ImportedOrderRow | ImportedOutageRow;

export interface ImportDeps {
  prisma: PrismaClient;
  contract: Contract;
  calendar: BusinessCalendar;
}

const CHUNK = 5_000;

export class HistoryImporter {
  constructor(private readonly deps: ImportDeps) {}

  /** Checks every row; imports all of them (new refs only) or nothing. */
  async import(kind: ImportKind, text: string, actor: Actor, now: number): Promise<ImportResult> {
    const checked = this.check(kind, text, now);
    const result: ImportResult = { kind, rows: checked.rows.length, imported: 0, skipped: 0, problems: checked.problems };
    if (checked.problems.length) return result;
    if (kind === 'outages') {
      if (!(await this.hasOutages())) {
        result.problems.push({ line: 1, column: null, key: 'compliance.import.noOutageTable', vars: {} });
        return result;
      }
    }
    const imported = await this.deps.prisma.$transaction(
      async (tx) => {
        const keys = checked.rows.map((r) => importKey(singular(kind), r.ref));
        const existing = await this.existingKeys(tx, kind, keys);
        const fresh = checked.rows.filter((_r, i) => !existing.has(keys[i]!));
        if (fresh.length === 0) return 0;
        if (kind === 'incidents') return this.writeIncidents(tx, fresh as ImportedIncidentRow[], actor, now);
        if (kind === 'outages') return this.writeOutages(tx, fresh as ImportedOutageRow[], actor, now);
        return this.writeCases(tx, kind === 'orders' ? 'order' : 'problem', fresh as Array<ImportedIncidentRow | ImportedOrderRow>, actor, now);
      },
      { timeout: 600_000, maxWait: 60_000 },
    );
    result.imported = imported;
    result.skipped = checked.rows.length - imported;
    return result;
  }

  /** Parses and checks a file without writing anything. */
  check(kind: ImportKind, text: string, now: number): { rows: Row[]; problems: RowProblem[] } {
    const problems: RowProblem[] = [];
    let records: CsvRecord[];
    try {
      records = parseCsv(text);
    } catch (err) {
      if (err instanceof CsvSyntaxError)
        return { rows: [], problems: [{ line: err.line, column: null, key: `compliance.import.csv.${err.reason}`, vars: {} }] };
      throw err;
    }
    const header = records.shift();
    if (!header) return { rows: [], problems: [{ line: 1, column: null, key: 'compliance.import.empty', vars: {} }] };
    const columns: Array<Column | null> = [];
    const seen = new Set<Column>();
    for (const raw of header.fields) {
      const word = raw.trim().toLowerCase();
      const column = WORD_TO_COLUMN.get(word) ?? null;
      if (column === null || !ALLOWED[kind].includes(column)) {
        problems.push({
          line: header.line,
          column: raw,
          key: 'compliance.import.unknownColumn',
          vars: { column: raw, allowed: ALLOWED[kind].map((c) => HEADER_WORDS[c][0]).join(', ') },
        });
      } else if (seen.has(column)) {
        problems.push({ line: header.line, column: raw, key: 'compliance.import.duplicateColumn', vars: { column: raw } });
      }
      if (column) seen.add(column);
      columns.push(column);
    }
    for (const need of REQUIRED[kind]) {
      if (!seen.has(need))
        problems.push({
          line: header.line,
          column: HEADER_WORDS[need][0]!,
          key: 'compliance.import.missingColumn',
          vars: { column: `${HEADER_WORDS[need][0]}|${HEADER_WORDS[need].at(-1)}` },
        });
    }
    if (problems.length) return { rows: [], problems };

    const rows: Row[] = [];
    const refs = new Map<string, number>();
    const today = DateTime.fromMillis(now, { zone: this.deps.contract.timezone }).toISODate() ?? undefined;
    for (const record of records) {
      const get = (c: Column): string => {
        const index = columns.indexOf(c);
        return index < 0 ? '' : (record.fields[index] ?? '').trim();
      };
      const rowProblems: RowProblem[] = [];
      const bad = (column: Column | null, key: string, vars: Record<string, string | number> = {}) =>
        rowProblems.push({ line: record.line, column: column === null ? null : HEADER_WORDS[column][0]!, key: `compliance.import.${key}`, vars });
      if (record.fields.length !== columns.length) bad(null, 'fieldCount', { found: record.fields.length, expected: columns.length });
      const row = this.checkRow(kind, get, bad, today);
      if (row) {
        const first = refs.get(row.ref);
        if (first !== undefined) bad('ref', 'duplicateRef', { ref: row.ref, line: first });
        else refs.set(row.ref, record.line);
      }
      if (rowProblems.length) problems.push(...rowProblems);
      else if (row) rows.push(row);
    }
    return { rows, problems };
  }

  private checkRow(
    kind: ImportKind,
    get: (c: Column) => string,
    bad: (column: Column | null, key: string, vars?: Record<string, string | number>) => void,
    today: string | undefined,
  ): Row | null {
    const { contract, calendar } = this.deps;
    const mask = (text: string) => maskPersonalNumbers(sanitizeLine(text), { today }).text;
    const ref = mask(get('ref'));
    if (!ref) bad('ref', 'required');
    else if (textLength(ref) > 64) bad('ref', 'tooLong', { max: 64 });
    const instant = (c: Column, required: boolean): number | null => {
      const text = get(c);
      if (!text) {
        if (required) bad(c, 'required');
        return null;
      }
      const t = parseInstant(text);
      if (t === null) bad(c, 'instant', { value: text.slice(0, 40) });
      return t;
    };
    const agencyOf = (text: string): string | null => {
      const id = text || contract.defaultAgency;
      if (!calendar.hasAgency(id)) {
        bad('agency', 'agency', { value: id.slice(0, 40), known: contract.agencies.map((a) => a.id).join(', ') });
        return null;
      }
      return id;
    };

    if (kind === 'outages') {
      const start = instant('start', true);
      const end = instant('end', true);
      if (start !== null && end !== null && end < start) bad('end', 'endBeforeStart');
      const list = (text: string) =>
        text
          .split(/[;|]/)
          .map((s) => mask(s).trim())
          .filter(Boolean);
      const agencies = [...list(get('agencies')), ...list(get('agency'))];
      for (const a of agencies)
        if (!calendar.hasAgency(a)) bad('agencies', 'agency', { value: a.slice(0, 40), known: contract.agencies.map((x) => x.id).join(', ') });
      const planned = yesNo(get('planned'));
      if (planned === null) bad('planned', 'yesNo', { value: get('planned').slice(0, 20) });
      const kindText = get('kind').toLowerCase();
      if (kindText && !OUTAGE_KINDS.has(kindText)) bad('kind', 'outageKind', { value: kindText.slice(0, 20) });
      const text = (c: Column) => {
        const v = mask(get(c));
        if (textLength(v) > TEXT_MAX) bad(c, 'tooLong', { max: TEXT_MAX });
        return v || null;
      };
      return {
        ref,
        start: start ?? 0,
        end,
        agencies,
        baseServices: list(get('baseServices')),
        cause: text('cause'),
        actionPlan: text('actionPlan'),
        planned: planned ?? false,
        kind: OUTAGE_KIND[kindText] ?? (kindText || 'unplanned'),
      };
    }

    const agency = agencyOf(get('agency'));
    const title = mask(get('title'));
    if (!title) bad('title', 'required');
    else if (textLength(title) > TITLE_MAX) bad('title', 'tooLong', { max: TITLE_MAX });
    const received = instant('received', true);
    const acknowledged = instant('acknowledged', false);
    const resolved = instant('resolved', false);
    const closed = instant('closed', false);
    if (received !== null) {
      if (acknowledged !== null && acknowledged < received) bad('acknowledged', 'beforeReceived');
      if (resolved !== null && resolved < received) bad('resolved', 'beforeReceived');
    }
    if (closed !== null && resolved === null) bad('closed', 'closedNotResolved');
    else if (closed !== null && resolved !== null && closed < resolved) bad('closed', 'closedBeforeResolved');
    const times = { received: received ?? 0, acknowledged, resolved, closed };

    if (kind === 'orders') {
      const typeText = get('type').toLowerCase();
      const type = ORDER_TYPE_WORDS[typeText];
      if (!type) bad('type', 'orderType', { value: typeText.slice(0, 20), allowed: 'anslutning|connection, fråga|question' });
      return { ref, agency: agency ?? '', title, type: type ?? 'connection', ...times };
    }
    const impact = level(get('impact'));
    if (impact === null) bad('impact', 'level', { value: get('impact').slice(0, 20) });
    const timingText = get('timing');
    const timing = timingText ? level(timingText) : null;
    if (timingText && timing === null) bad('timing', 'level', { value: timingText.slice(0, 20) });
    const security = yesNo(get('security'));
    if (security === null) bad('security', 'yesNo', { value: get('security').slice(0, 20) });
    return { ref, agency: agency ?? '', impact: impact ?? 1, timing, title, security: security ?? false, ...times };
  }

  private async hasOutages(): Promise<boolean> {
    const rows = await this.deps.prisma.$queryRaw<Array<{ ok: boolean }>>`SELECT to_regclass('outages') IS NOT NULL AS ok`;
    return rows[0]?.ok === true;
  }

  private async existingKeys(tx: Prisma.TransactionClient, kind: ImportKind, keys: string[]): Promise<Set<string>> {
    const rows =
      kind === 'incidents'
        ? await tx.$queryRaw<Array<{ key: string }>>`SELECT idempotency_key AS key FROM incidents WHERE idempotency_key = ANY(${keys}::text[])`
        : kind === 'outages'
          ? await tx.$queryRaw<Array<{ key: string }>>`SELECT key FROM import_refs WHERE key = ANY(${keys}::text[])`
          : await tx.$queryRaw<Array<{ key: string }>>`SELECT idempotency_key AS key FROM cases WHERE idempotency_key = ANY(${keys}::text[])`;
    return new Set(rows.map((r) => r.key));
  }

  private async writeIncidents(tx: Prisma.TransactionClient, rows: ImportedIncidentRow[], actor: Actor, now: number): Promise<number> {
    const { contract, calendar } = this.deps;
    await tx.configSnapshot.upsert({
      where: { version: contract.version },
      create: { version: contract.version, content: contract as unknown as Prisma.InputJsonValue },
      update: {},
    });
    const who = actorId(actor);
    let written = 0;
    for (let i = 0; i < rows.length; i += CHUNK) {
      const data = rows.slice(i, i + CHUNK).map((r): Prisma.IncidentCreateManyInput => {
        const suggested = suggestTiming(calendar, r.received).timing;
        const timing = r.timing ?? suggested;
        const priority = priorityOf(contract, r.impact, timing);
        const due = deadlinesFor(calendar, { kind: 'incident', priority }, r.received, r.agency);
        return {
          title: r.title,
          agencyId: r.agency,
          impact: r.impact,
          timing,
          suggestedTiming: suggested,
          priority,
          security: r.security,
          status: status(r),
          reporter: who,
          source: actor.source,
          receivedAt: new Date(r.received),
          responseDueAt: new Date(due.response!),
          resolutionDueAt: new Date(due.resolution),
          configVersion: contract.version,
          acknowledgedAt: date(r.acknowledged ?? (r.resolved !== null ? r.resolved : null)),
          acknowledgedBy: r.acknowledged !== null || r.resolved !== null ? who : null,
          resolvedAt: date(r.resolved),
          resolvedBy: r.resolved !== null ? who : null,
          closedAt: date(r.closed),
          closedBy: r.closed !== null ? who : null,
          idempotencyKey: importKey('incident', r.ref),
          createdAt: new Date(now),
          updatedAt: new Date(now),
        };
      });
      written += await insertRows(tx, 'incidents', INCIDENT_COLUMNS, data as unknown as Array<Record<string, unknown>>);
    }
    await tx.auditEntry.create({
      data: { at: new Date(now), actor: who, entityType: 'import', entityId: 'incidents', action: 'imported', after: { count: written } },
    });
    return written;
  }

  private async writeCases(
    tx: Prisma.TransactionClient,
    kind: CaseKindName,
    rows: Array<ImportedIncidentRow | ImportedOrderRow>,
    actor: Actor,
    now: number,
  ): Promise<number> {
    const { contract, calendar } = this.deps;
    const who = actorId(actor);
    const top = await tx.case.aggregate({ where: { kind }, _max: { number: true } });
    let number = top._max.number ?? 0;
    let written = 0;
    for (let i = 0; i < rows.length; i += CHUNK) {
      const data = rows.slice(i, i + CHUNK).map((r): Prisma.CaseCreateManyInput => {
        let extra: Partial<Prisma.CaseCreateManyInput>;
        let due: ReturnType<typeof deadlinesFor>;
        if ('type' in r) {
          due = deadlinesFor(calendar, { kind: 'order', type: r.type }, r.received, r.agency);
          extra = { orderType: r.type, security: false };
        } else {
          const timing = r.timing ?? suggestTiming(calendar, r.received).timing;
          const priority = priorityOf(contract, r.impact, timing);
          due = deadlinesFor(calendar, { kind: 'problem', priority }, r.received, r.agency);
          extra = { impact: r.impact, timing, priority, security: r.security };
        }
        return {
          ...extra,
          kind,
          number: ++number,
          title: r.title,
          agencyId: r.agency,
          status: status(r),
          reporter: who,
          source: actor.source,
          receivedAt: new Date(r.received),
          responseDueAt: due.response === null ? null : new Date(due.response),
          resolutionDueAt: new Date(due.resolution),
          configVersion: contract.version,
          acknowledgedAt: date(r.acknowledged),
          acknowledgedBy: r.acknowledged !== null ? who : null,
          resolvedAt: date(r.resolved),
          resolvedBy: r.resolved !== null ? who : null,
          closedAt: date(r.closed),
          closedBy: r.closed !== null ? who : null,
          idempotencyKey: importKey(kind, r.ref),
          createdAt: new Date(now),
          updatedAt: new Date(now),
        };
      });
      written += await insertRows(tx, 'cases', CASE_COLUMNS, data as unknown as Array<Record<string, unknown>>);
    }
    await tx.auditEntry.create({
      data: { at: new Date(now), actor: who, entityType: 'import', entityId: `${kind}s`, action: 'imported', after: { count: written } },
    });
    return written;
  }

  private async writeOutages(tx: Prisma.TransactionClient, rows: ImportedOutageRow[], actor: Actor, now: number): Promise<number> {
    let written = 0;
    for (const r of rows) {
      const [created] = await tx.$queryRaw<Array<{ id: number }>>`
        INSERT INTO outages (start_at, end_at, agencies, base_services, cause, action_plan, planned, kind)
        VALUES (${new Date(r.start)}, ${new Date(r.end!)}, ${r.agencies}::text[], ${r.baseServices}::text[], ${r.cause ?? ''}, ${r.actionPlan ?? ''}, ${r.planned}, ${r.kind})
        RETURNING id`;
      await tx.importRef.create({ data: { key: importKey('outage', r.ref), entityType: 'outage', entityId: created!.id, createdAt: new Date(now) } });
      written++;
    }
    await tx.auditEntry.create({
      data: { at: new Date(now), actor: actorId(actor), entityType: 'import', entityId: 'outages', action: 'imported', after: { count: written } },
    });
    return written;
  }
}

const INSTANT = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?(Z|[+-]\d{2}(?::?\d{2})?)$/i;

/** ISO 8601 with an offset (Z or ±hh:mm); null for anything else (a local time without offset is ambiguous). */
export function parseInstant(text: string): number | null {
  const m = INSTANT.exec(text);
  if (!m) return null;
  const [, y, mo, d, h, mi, sec = '00', frac = '', zone] = m;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  if (month < 1 || month > 12 || day < 1 || day > new Date(Date.UTC(year, month, 0)).getUTCDate()) return null;
  if (Number(h) > 23 || Number(mi) > 59 || Number(sec) > 59) return null;
  let offset = 'Z';
  if (zone!.toUpperCase() !== 'Z') {
    const digits = zone!.replace(':', '');
    offset = `${digits.slice(0, 3)}:${digits.slice(3, 5) || '00'}`;
  }
  const t = Date.parse(`${y}-${mo}-${d}T${h}:${mi}:${sec}${frac.slice(0, 4)}${offset}`);
  return Number.isNaN(t) ? null : t;
}

type Columns = ReadonlyArray<readonly [field: string, column: string, type: 'text' | 'int' | 'boolean' | 'timestamptz']>;

const COMMON: Columns = [
  ['title', 'title', 'text'],
  ['agencyId', 'org_id', 'text'],
  ['impact', 'impact', 'int'],
  ['timing', 'timing', 'int'],
  ['priority', 'priority', 'text'],
  ['security', 'security', 'boolean'],
  ['status', 'status', 'text'],
  ['reporter', 'reporter', 'text'],
  ['source', 'source', 'text'],
  ['receivedAt', 'received_at', 'timestamptz'],
  ['responseDueAt', 'response_due_at', 'timestamptz'],
  ['resolutionDueAt', 'resolution_due_at', 'timestamptz'],
  ['configVersion', 'config_version', 'text'],
  ['acknowledgedAt', 'acknowledged_at', 'timestamptz'],
  ['acknowledgedBy', 'acknowledged_by', 'text'],
  ['resolvedAt', 'resolved_at', 'timestamptz'],
  ['resolvedBy', 'resolved_by', 'text'],
  ['closedAt', 'closed_at', 'timestamptz'],
  ['closedBy', 'closed_by', 'text'],
  ['idempotencyKey', 'idempotency_key', 'text'],
  ['createdAt', 'created_at', 'timestamptz'],
  ['updatedAt', 'updated_at', 'timestamptz'],
];
const INCIDENT_COLUMNS: Columns = [...COMMON, ['suggestedTiming', 'suggested_timing', 'int']];
const CASE_COLUMNS: Columns = [...COMMON, ['kind', 'kind', 'text'], ['number', 'number', 'int'], ['orderType', 'order_type', 'text']];

/**
 * Many rows in one statement: one array per column, unnest()ed (a few parameters however
 * many rows, where Prisma's createMany sends one per value). A row whose unique key exists
 * already is left as it is.
 */
async function insertRows(tx: Prisma.TransactionClient, table: 'incidents' | 'cases', columns: Columns, rows: Array<Record<string, unknown>>): Promise<number> {
  if (rows.length === 0) return 0;
  const arrays = columns.map(
    ([field, , type]) =>
      P.sql`${rows.map((r) => {
        const v = r[field] ?? null;
        return v instanceof Date ? v.toISOString() : v;
      })}::${P.raw(type)}[]`,
  );
  const names = P.raw(columns.map(([, column]) => `"${column}"`).join(', '));
  return tx.$executeRaw`INSERT INTO ${P.raw(table)} (${names}) SELECT * FROM unnest(${P.join(arrays)}) ON CONFLICT DO NOTHING`;
}

function level(text: string): Level | null {
  return /^[1-4]$/.test(text) ? (Number(text) as Level) : null;
}

function yesNo(text: string): boolean | null {
  const t = text.trim().toLowerCase();
  if (YES.has(t)) return true;
  if (NO.has(t)) return false;
  return null;
}

function status(r: { acknowledged: number | null; resolved: number | null; closed: number | null }): string {
  return r.closed !== null ? 'closed' : r.resolved !== null ? 'resolved' : r.acknowledged !== null ? 'acknowledged' : 'open';
}

function date(t: number | null): Date | null {
  return t === null ? null : new Date(t);
}

function singular(kind: ImportKind): string {
  return kind.slice(0, -1);
}

export function isImportKind(value: string | undefined): value is ImportKind {
  return (IMPORT_KINDS as readonly string[]).includes(value ?? '');
}

export { ORDER_TYPES };
