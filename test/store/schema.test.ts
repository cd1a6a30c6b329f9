// The hand-written migrations must produce exactly the database Prisma expects.
//
// The Prisma schema is read as Prisma itself understands it: `prisma generate` is run (offline)
// on a copy of prisma/schema.prisma whose generator is a tiny custom generator that writes the
// DMMF it receives to a file. The migrated database is then compared, through the PostgreSQL
// catalogs, with every model, field, default, index, unique constraint and foreign key.
import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, parsePostgresUrl, type Database } from '../../src/store/database.js';
import {
  connectPostgresDriver,
  defaultMigrationsDir,
  migrate,
  migrationChecksum,
  MIGRATION_LOCK_KEY,
  migrationStatus,
  MigrationError,
  readLocalMigrations,
  type SqlDriver,
} from '../../src/store/migrate.js';
import { databases, postgresTarget, testPostgresUrl, type EmptyTestDatabase } from '../support/databases.js';

const root = fileURLToPath(new URL('../../', import.meta.url));

// ------------------------------------------------------------------------------------ DMMF

interface DmmfField {
  name: string;
  dbName?: string | null;
  kind: 'scalar' | 'object' | 'enum' | 'unsupported';
  isList: boolean;
  isRequired: boolean;
  isId: boolean;
  isUnique: boolean;
  isUpdatedAt?: boolean;
  hasDefaultValue: boolean;
  default?: unknown;
  type: string;
  nativeType?: [string, string[]] | null;
  relationFromFields?: string[];
  relationToFields?: string[];
  relationOnDelete?: string;
  relationOnUpdate?: string;
}
interface DmmfModel {
  name: string;
  dbName: string | null;
  fields: DmmfField[];
}
interface DmmfEnum {
  name: string;
  dbName?: string | null;
  values: Array<{ name: string; dbName: string | null }>;
}
interface DmmfIndex {
  model: string;
  type: 'id' | 'normal' | 'unique' | 'fulltext';
  dbName?: string | null;
  fields: Array<{ name: string }>;
}
interface Datamodel {
  models: DmmfModel[];
  enums: DmmfEnum[];
  indexes: DmmfIndex[];
}

// A Prisma generator speaks JSON-RPC: requests on stdin, responses on stderr.
const DMMF_GENERATOR = `
import { createInterface } from 'node:readline';
import { writeFileSync } from 'node:fs';
const reply = (id, result) => process.stderr.write(JSON.stringify({ jsonrpc: '2.0', id, result }) + '\\n');
createInterface({ input: process.stdin }).on('line', (line) => {
  const msg = JSON.parse(line);
  if (msg.method === 'getManifest') reply(msg.id, { manifest: { prettyName: 'DMMF dump', requiresEngines: [] } });
  if (msg.method === 'generate') {
    writeFileSync(process.env.SSBTEK_DMMF_OUT, JSON.stringify(msg.params.dmmf.datamodel));
    reply(msg.id, null);
  }
});
`;

async function loadDatamodel(): Promise<Datamodel> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ssbtek-dmmf-'));
  try {
    const generator = path.join(dir, 'dmmf-generator.mjs');
    const out = path.join(dir, 'datamodel.json');
    writeFileSync(generator, DMMF_GENERATOR);
    const schema = readFileSync(path.join(root, 'prisma/schema.prisma'), 'utf8');
    const replaced = schema.replace(
      /^generator\s+\w+\s*\{[^}]*\}/gm,
      `generator dmmf {\n  provider = ${JSON.stringify(`node ${generator}`)}\n  output = "./out"\n}`,
    );
    expect(replaced).not.toBe(schema);
    writeFileSync(path.join(dir, 'schema.prisma'), replaced);
    await promisify(execFile)(
      process.execPath,
      [path.join(root, 'node_modules/prisma/build/index.js'), 'generate', '--schema', path.join(dir, 'schema.prisma')],
      {
        cwd: dir,
        env: {
          ...process.env,
          // generate never runs the schema engine, but the CLI insists it exists (see scripts/generate-client.mjs)
          PRISMA_SCHEMA_ENGINE_BINARY: process.env.PRISMA_SCHEMA_ENGINE_BINARY ?? process.execPath,
          PRISMA_HIDE_UPDATE_MESSAGE: '1',
          CHECKPOINT_DISABLE: '1',
          SSBTEK_DMMF_OUT: out,
        },
      },
    );
    return JSON.parse(readFileSync(out, 'utf8')) as Datamodel;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// ------------------------------------------------------------------ expected database shape

const tableOf = (model: DmmfModel): string => model.dbName ?? model.name;
const columnOf = (field: DmmfField): string => field.dbName ?? field.name;

/** Prisma's default constraint names, truncated like Prisma to PostgreSQL's 63 bytes. */
function constraintName(table: string, columns: string[], suffix: 'pkey' | 'key' | 'idx' | 'fkey'): string {
  const base = suffix === 'pkey' ? table : `${table}_${columns.join('_')}`;
  return `${base.slice(0, 63 - suffix.length - 1)}_${suffix}`;
}

interface ExpectedType {
  udt: string;
  datetimePrecision?: number;
  charMaxLength?: number;
}

const SCALAR_UDT: Record<string, ExpectedType> = {
  String: { udt: 'text' },
  Int: { udt: 'int4' },
  BigInt: { udt: 'int8' },
  Boolean: { udt: 'bool' },
  DateTime: { udt: 'timestamp', datetimePrecision: 3 },
  Json: { udt: 'jsonb' },
  Float: { udt: 'float8' },
  Decimal: { udt: 'numeric' },
  Bytes: { udt: 'bytea' },
};

const NATIVE_UDT: Record<string, string> = {
  Text: 'text',
  VarChar: 'varchar',
  Char: 'bpchar',
  Uuid: 'uuid',
  Citext: 'citext',
  Inet: 'inet',
  Xml: 'xml',
  Integer: 'int4',
  SmallInt: 'int2',
  BigInt: 'int8',
  Oid: 'oid',
  Real: 'float4',
  DoublePrecision: 'float8',
  Decimal: 'numeric',
  Money: 'money',
  Boolean: 'bool',
  Bit: 'bit',
  VarBit: 'varbit',
  ByteA: 'bytea',
  Json: 'json',
  JsonB: 'jsonb',
  Timestamp: 'timestamp',
  Timestamptz: 'timestamptz',
  Date: 'date',
  Time: 'time',
  Timetz: 'timetz',
};

function expectedType(field: DmmfField, enums: DmmfEnum[]): ExpectedType {
  let type: ExpectedType;
  if (field.kind === 'enum') {
    const definition = enums.find((e) => e.name === field.type);
    type = { udt: definition?.dbName ?? field.type };
  } else if (field.nativeType) {
    const [name, args] = field.nativeType;
    const udt = NATIVE_UDT[name];
    if (udt === undefined) throw new Error(`No udt mapping for @db.${name} (${field.name}); extend NATIVE_UDT`);
    type = { udt };
    if (['Timestamp', 'Timestamptz', 'Time', 'Timetz'].includes(name)) type.datetimePrecision = args[0] === undefined ? 6 : Number(args[0]);
    if (['VarChar', 'Char'].includes(name) && args[0] !== undefined) type.charMaxLength = Number(args[0]);
  } else {
    const scalar = SCALAR_UDT[field.type];
    if (scalar === undefined) throw new Error(`No udt mapping for Prisma type ${field.type} (${field.name})`);
    type = { ...scalar };
  }
  return field.isList ? { ...type, udt: `_${type.udt}` } : type;
}

/** The column_default PostgreSQL reports for what Prisma's migration would create. */
function expectedDefault(field: DmmfField, type: ExpectedType): string | RegExp | null {
  if (!field.hasDefaultValue) return null;
  const value = field.default;
  if (typeof value === 'object' && value !== null && !Array.isArray(value) && 'name' in value) {
    const fn = value as { name: string; args: unknown[] };
    switch (fn.name) {
      case 'autoincrement':
        return /^nextval\('[^']+_seq'::regclass\)$/;
      case 'now':
        return 'CURRENT_TIMESTAMP';
      case 'dbgenerated':
        return new RegExp('^' + String(fn.args[0]).replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
      default: // uuid(), cuid(), nanoid(), ulid() are generated by the client: no database default
        return null;
    }
  }
  const base = type.udt.replace(/^_/, '');
  const literal = (v: unknown): string => {
    if (typeof v === 'string') return `'${v.replace(/'/g, "''")}'::${base === 'text' ? 'text' : base}`;
    return String(v);
  };
  if (Array.isArray(value)) {
    // PostgreSQL shows an empty array's cast with the type's SQL name (ARRAY[]::integer[], not int4[]).
    const sqlName: Record<string, string> = { int4: 'integer', int2: 'smallint', int8: 'bigint', float4: 'real', float8: 'double precision', bool: 'boolean' };
    return value.length === 0 ? `ARRAY[]::${sqlName[base] ?? base}[]` : `ARRAY[${value.map(literal).join(', ')}]`;
  }
  if (field.type === 'Json') return `'${String(value).replace(/'/g, "''")}'::jsonb`;
  return literal(value);
}

interface ColumnRow {
  table_name: string;
  column_name: string;
  udt_name: string;
  is_nullable: 'YES' | 'NO';
  column_default: string | null;
  datetime_precision: number | null;
  character_maximum_length: number | null;
}
interface IndexRow {
  table_name: string;
  index_name: string;
  is_unique: boolean;
  is_primary: boolean;
  columns: string;
}
interface ForeignKeyRow {
  constraint_name: string;
  table_name: string;
  columns: string;
  ref_table: string;
  ref_columns: string;
  on_delete: string;
  on_update: string;
}

const ACTION_CODE: Record<string, string> = { Cascade: 'c', Restrict: 'r', NoAction: 'a', SetNull: 'n', SetDefault: 'd' };

async function describeDatabase(db: SqlDriver) {
  const tables = await db.query<{ table_name: string }>(
    `SELECT table_name FROM information_schema.tables
      WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name`,
  );
  const columns = await db.query<ColumnRow>(
    `SELECT table_name, column_name, udt_name, is_nullable, column_default,
            datetime_precision, character_maximum_length
       FROM information_schema.columns WHERE table_schema = current_schema()
      ORDER BY table_name, ordinal_position`,
  );
  const indexes = await db.query<IndexRow>(
    `SELECT t.relname AS table_name, i.relname AS index_name, ix.indisunique AS is_unique, ix.indisprimary AS is_primary,
            (SELECT string_agg(a.attname, ',' ORDER BY k.ord)
               FROM unnest(ix.indkey::int2[]) WITH ORDINALITY AS k(attnum, ord)
               JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum) AS columns
       FROM pg_index ix
       JOIN pg_class t ON t.oid = ix.indrelid
       JOIN pg_class i ON i.oid = ix.indexrelid
       JOIN pg_namespace n ON n.oid = t.relnamespace
      WHERE n.nspname = current_schema()
      ORDER BY 1, 2`,
  );
  const foreignKeys = await db.query<ForeignKeyRow>(
    `SELECT c.conname AS constraint_name, t.relname AS table_name, rt.relname AS ref_table,
            c.confdeltype::text AS on_delete, c.confupdtype::text AS on_update,
            (SELECT string_agg(a.attname, ',' ORDER BY k.ord) FROM unnest(c.conkey) WITH ORDINALITY AS k(attnum, ord)
               JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.attnum) AS columns,
            (SELECT string_agg(a.attname, ',' ORDER BY k.ord) FROM unnest(c.confkey) WITH ORDINALITY AS k(attnum, ord)
               JOIN pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.attnum) AS ref_columns
       FROM pg_constraint c
       JOIN pg_class t ON t.oid = c.conrelid
       JOIN pg_class rt ON rt.oid = c.confrelid
       JOIN pg_namespace n ON n.oid = t.relnamespace
      WHERE c.contype = 'f' AND n.nspname = current_schema()
      ORDER BY 1`,
  );
  const enums = await db.query<{ name: string; labels: string }>(
    `SELECT t.typname AS name, string_agg(e.enumlabel, ',' ORDER BY e.enumsortorder) AS labels
       FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid JOIN pg_namespace n ON n.oid = t.typnamespace
      WHERE n.nspname = current_schema() GROUP BY t.typname ORDER BY 1`,
  );
  return { tables: tables.map((t) => t.table_name), columns, indexes, foreignKeys, enums };
}

// ------------------------------------------------------------------------------------ tests

let datamodel: Datamodel;
const localMigrations = readLocalMigrations();

beforeAll(async () => {
  datamodel = await loadDatamodel();
}, 60_000);

it('the Prisma schema has the expected models (DMMF read through prisma generate)', () => {
  expect(datamodel.models.map((m) => m.name)).toEqual([
    'Incident',
    'IncidentEvent',
    'AuditEntry',
    'ConfigSnapshot',
    'ChatReference',
    'ProcessedDelivery',
    'Reminder',
    'Job',
    'JobChannel',
    'ChatDestination',
    'Case',
    'ServiceWindow',
    'RoutineAnnouncement',
    'ExtraHoursRequest',
    'DisturbanceNotice',
    'Outage',
    'AlertGroup',
    'ImportRef',
  ]);
  expect(localMigrations.length).toBeGreaterThan(0);
  for (const field of datamodel.models.flatMap((m) => m.fields)) {
    if (field.type === 'DateTime') expect(field.nativeType?.[0], field.name).toBe('Timestamptz');
  }
});

describe.each(databases)('$name', (target) => {
  describe('migrations on an empty database', () => {
    let empty: EmptyTestDatabase;
    beforeAll(async () => {
      empty = await target.openEmpty();
    });
    afterAll(() => empty.dispose());

    it('lists every migration as pending before migrating', async () => {
      const status = await migrationStatus(empty.driver);
      expect(status.applied).toEqual([]);
      expect(status.pending.map((m) => m.name)).toEqual(localMigrations.map((m) => m.name));
    });

    it('applies all migrations, then nothing on a second run', async () => {
      const first = await migrate(empty.driver);
      expect(first.applied).toEqual(localMigrations.map((m) => m.name));
      const second = await migrate(empty.driver);
      expect(second.applied).toEqual([]);
      const status = await migrationStatus(empty.driver);
      expect(status.pending).toEqual([]);
      expect(status.applied.map((m) => m.name)).toEqual(localMigrations.map((m) => m.name));
    });

    it("records them in _prisma_migrations exactly like Prisma's schema engine", async () => {
      await migrate(empty.driver); // no-op after the previous test; keeps this one runnable alone
      const rows = await empty.driver.query<{
        id: string;
        checksum: string;
        finished_at: Date | null;
        migration_name: string;
        logs: string | null;
        rolled_back_at: Date | null;
        started_at: Date;
        applied_steps_count: number;
      }>(`SELECT * FROM "_prisma_migrations" ORDER BY migration_name`);
      expect(rows).toHaveLength(localMigrations.length);
      rows.forEach((row, i) => {
        const local = localMigrations[i]!;
        expect(row.migration_name).toBe(local.name);
        expect(row.checksum).toBe(migrationChecksum(readFileSync(local.file, 'utf8')));
        expect(row.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
        expect(row.finished_at).toBeInstanceOf(Date);
        expect(row.started_at).toBeInstanceOf(Date);
        expect(row.finished_at!.getTime()).toBeGreaterThanOrEqual(row.started_at.getTime());
        expect(row.rolled_back_at).toBeNull();
        expect(row.logs).toBeNull();
        expect(row.applied_steps_count).toBe(1);
      });
      const shape = await empty.driver.query<{ column_name: string; data_type: string; is_nullable: string; character_maximum_length: number | null }>(
        `SELECT column_name, data_type, is_nullable, character_maximum_length FROM information_schema.columns
          WHERE table_schema = current_schema() AND table_name = '_prisma_migrations' ORDER BY ordinal_position`,
      );
      expect(shape).toEqual([
        { column_name: 'id', data_type: 'character varying', is_nullable: 'NO', character_maximum_length: 36 },
        { column_name: 'checksum', data_type: 'character varying', is_nullable: 'NO', character_maximum_length: 64 },
        { column_name: 'finished_at', data_type: 'timestamp with time zone', is_nullable: 'YES', character_maximum_length: null },
        { column_name: 'migration_name', data_type: 'character varying', is_nullable: 'NO', character_maximum_length: 255 },
        { column_name: 'logs', data_type: 'text', is_nullable: 'YES', character_maximum_length: null },
        { column_name: 'rolled_back_at', data_type: 'timestamp with time zone', is_nullable: 'YES', character_maximum_length: null },
        { column_name: 'started_at', data_type: 'timestamp with time zone', is_nullable: 'NO', character_maximum_length: null },
        { column_name: 'applied_steps_count', data_type: 'integer', is_nullable: 'NO', character_maximum_length: null },
      ]);
    });

    it('matches the Prisma schema: tables, columns (type, nullability, default), indexes, foreign keys, enums', async () => {
      await migrate(empty.driver); // no-op after the previous tests; keeps this one runnable alone
      const actual = await describeDatabase(empty.driver);

      // Tables: one per model, nothing else but Prisma's migrations table.
      expect(actual.tables.filter((t) => t !== '_prisma_migrations').sort()).toEqual(datamodel.models.map(tableOf).sort());

      // Every field has its column with the right type, nullability and default, and no table
      // has a column the schema does not know. Mismatches are collected so one run lists them all.
      const problems: string[] = [];
      for (const model of datamodel.models) {
        const table = tableOf(model);
        const scalars = model.fields.filter((f) => f.kind === 'scalar' || f.kind === 'enum');
        const columns = actual.columns.filter((c) => c.table_name === table);
        for (const column of columns) {
          if (!scalars.some((f) => columnOf(f) === column.column_name)) problems.push(`${table}.${column.column_name}: column not in the Prisma schema`);
        }
        for (const field of scalars) {
          const where = `${model.name}.${field.name} (${table}.${columnOf(field)})`;
          const column = columns.find((c) => c.column_name === columnOf(field));
          if (column === undefined) {
            problems.push(`${where}: missing column`);
            continue;
          }
          const check = (what: string, actualValue: unknown, expected: unknown): void => {
            const ok = expected instanceof RegExp ? typeof actualValue === 'string' && expected.test(actualValue) : actualValue === expected;
            if (!ok)
              problems.push(
                `${where}: ${what} is ${JSON.stringify(actualValue)}, expected ${String(expected instanceof RegExp ? expected : JSON.stringify(expected))}`,
              );
          };
          const type = expectedType(field, datamodel.enums);
          check('type', column.udt_name, type.udt);
          if (type.datetimePrecision !== undefined) check('precision', column.datetime_precision, type.datetimePrecision);
          if (type.charMaxLength !== undefined) check('length', column.character_maximum_length, type.charMaxLength);
          // Prisma creates scalar lists as nullable array columns (`TEXT[]`), everything else per `?`.
          check('nullable', column.is_nullable, field.isList || !field.isRequired ? 'YES' : 'NO');
          check('default', column.column_default, expectedDefault(field, type));
        }
      }
      expect(problems).toEqual([]);

      // Indexes (primary keys, @unique/@@unique, @@index) with Prisma's names and column order.
      const fieldColumn = (modelName: string, fieldName: string): string => {
        const model = datamodel.models.find((m) => m.name === modelName)!;
        return columnOf(model.fields.find((f) => f.name === fieldName)!);
      };
      const expectedIndexes = datamodel.indexes
        .map((index) => {
          const model = datamodel.models.find((m) => m.name === index.model)!;
          const table = tableOf(model);
          const columns = index.fields.map((f) => fieldColumn(index.model, f.name));
          const suffix = index.type === 'id' ? 'pkey' : index.type === 'unique' ? 'key' : 'idx';
          return {
            table_name: table,
            index_name: index.dbName ?? constraintName(table, columns, suffix),
            is_unique: index.type !== 'normal',
            is_primary: index.type === 'id',
            columns: columns.join(','),
          };
        })
        .sort((a, b) => `${a.table_name} ${a.index_name}`.localeCompare(`${b.table_name} ${b.index_name}`));
      const actualIndexes = actual.indexes
        .filter((i) => i.table_name !== '_prisma_migrations')
        .sort((a, b) => `${a.table_name} ${a.index_name}`.localeCompare(`${b.table_name} ${b.index_name}`));
      expect(actualIndexes).toEqual(expectedIndexes);

      // Foreign keys with Prisma's names and referential actions.
      const expectedForeignKeys = datamodel.models
        .flatMap((model) =>
          model.fields
            .filter((f) => f.kind === 'object' && (f.relationFromFields?.length ?? 0) > 0)
            .map((relation) => {
              const target = datamodel.models.find((m) => m.name === relation.type)!;
              const from = relation.relationFromFields!.map((name) => fieldColumn(model.name, name));
              const to = relation.relationToFields!.map((name) => fieldColumn(target.name, name));
              const required = relation.relationFromFields!.every((name) => model.fields.find((f) => f.name === name)!.isRequired);
              return {
                constraint_name: constraintName(tableOf(model), from, 'fkey'),
                table_name: tableOf(model),
                columns: from.join(','),
                ref_table: tableOf(target),
                ref_columns: to.join(','),
                on_delete: ACTION_CODE[relation.relationOnDelete ?? (required ? 'Restrict' : 'SetNull')],
                on_update: ACTION_CODE[relation.relationOnUpdate ?? 'Cascade'],
              };
            }),
        )
        .sort((a, b) => a.constraint_name.localeCompare(b.constraint_name));
      expect(expectedForeignKeys.length).toBeGreaterThan(0);
      expect([...actual.foreignKeys].sort((a, b) => a.constraint_name.localeCompare(b.constraint_name))).toEqual(expectedForeignKeys);

      // Enums (none today; statuses are validated strings).
      expect(actual.enums).toEqual(datamodel.enums.map((e) => ({ name: e.dbName ?? e.name, labels: e.values.map((v) => v.dbName ?? v.name).join(',') })));
    });

    it('opens a Database on the migrated database without applying anything again', async () => {
      const messages: string[] = [];
      const db = await empty.open({ log: (m) => messages.push(m) });
      expect(db.kind).toBe(target.name);
      expect(messages.filter((m) => m.startsWith('applied migration'))).toEqual([]);
      expect(await db.prisma.incident.count()).toBe(0);
    });
  });

  describe('migration integrity', () => {
    let empty: EmptyTestDatabase;
    let tmp: string;
    beforeAll(async () => {
      empty = await target.openEmpty();
      tmp = mkdtempSync(path.join(os.tmpdir(), 'ssbtek-migrations-'));
      cpSync(defaultMigrationsDir, tmp, { recursive: true });
      await migrate(empty.driver, { migrationsDir: tmp });
    });
    afterAll(async () => {
      await empty.dispose();
      rmSync(tmp, { recursive: true, force: true });
    });

    it('refuses to run when an applied migration was modified, and names it', async () => {
      const first = localMigrations[0]!;
      const file = path.join(tmp, first.name, 'migration.sql');
      const original = readFileSync(file, 'utf8');
      writeFileSync(file, `${original}\n-- edited after it was applied\n`);
      try {
        await expect(migrate(empty.driver, { migrationsDir: tmp })).rejects.toThrow(MigrationError);
        await expect(migrate(empty.driver, { migrationsDir: tmp })).rejects.toThrow(first.name);
        const status = await migrationStatus(empty.driver, { migrationsDir: tmp });
        expect(status.modified.map((m) => m.name)).toEqual([first.name]);
      } finally {
        writeFileSync(file, original);
      }
      // Line-ending conversion alone is not a modification (same rule as Prisma).
      writeFileSync(file, original.replace(/\n/g, '\r\n'));
      try {
        expect((await migrate(empty.driver, { migrationsDir: tmp })).applied).toEqual([]);
      } finally {
        writeFileSync(file, original);
      }
    });

    it('refuses to run when the recorded checksum differs', async () => {
      const first = localMigrations[0]!;
      await empty.driver.query(`UPDATE "_prisma_migrations" SET checksum = $1 WHERE migration_name = $2`, ['0'.repeat(64), first.name]);
      try {
        await expect(migrate(empty.driver, { migrationsDir: tmp })).rejects.toThrow(/modified/);
      } finally {
        await empty.driver.query(`UPDATE "_prisma_migrations" SET checksum = $1 WHERE migration_name = $2`, [first.checksum, first.name]);
      }
      expect((await migrate(empty.driver, { migrationsDir: tmp })).applied).toEqual([]);
    });

    it('applies only a new pending migration; a failing one is rolled back entirely and not recorded', async () => {
      mkdirSync(path.join(tmp, '99990101000000_broken'));
      writeFileSync(
        path.join(tmp, '99990101000000_broken', 'migration.sql'),
        '-- CreateTable\nCREATE TABLE "zz_partial" ("id" INTEGER NOT NULL);\n\nSELECT * FROM "no_such_table";\n',
      );
      await expect(migrate(empty.driver, { migrationsDir: tmp })).rejects.toThrow(/99990101000000_broken/);
      const leftover = await empty.driver.query<{ exists: boolean }>(`SELECT to_regclass('"zz_partial"') IS NOT NULL AS "exists"`);
      expect(leftover[0]!.exists).toBe(false);
      expect((await migrationStatus(empty.driver, { migrationsDir: tmp })).pending.map((m) => m.name)).toEqual(['99990101000000_broken']);

      writeFileSync(path.join(tmp, '99990101000000_broken', 'migration.sql'), 'CREATE TABLE "zz_extra" ("id" INTEGER NOT NULL);\n');
      expect((await migrate(empty.driver, { migrationsDir: tmp })).applied).toEqual(['99990101000000_broken']);
      expect((await migrate(empty.driver, { migrationsDir: tmp })).applied).toEqual([]);
    });

    it('refuses to run over a failed migration recorded by prisma migrate deploy', async () => {
      await empty.driver.query(
        `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, logs, started_at, applied_steps_count)
         VALUES ('00000000-0000-4000-8000-000000000000', $1, '99990202000000_failed', 'boom', now(), 0)`,
        ['f'.repeat(64)],
      );
      await expect(migrate(empty.driver, { migrationsDir: tmp })).rejects.toThrow(/failed migrations.*99990202000000_failed/);
      await empty.driver.query(`UPDATE "_prisma_migrations" SET rolled_back_at = now() WHERE migration_name = '99990202000000_failed'`);
      expect((await migrate(empty.driver, { migrationsDir: tmp })).applied).toEqual([]);
    });
  });

  describe('round trip through the Prisma client', () => {
    let db: Database;
    beforeAll(async () => {
      db = await target.open();
    });
    afterAll(() => db.close());

    const receivedAt = new Date('2026-03-02T08:15:30.123Z');
    const incidentData = {
      title: 'Inloggning via e-legitimation fungerar inte',
      agencyId: 'skv',
      baseServices: ['eid', 'portal'],
      impact: 1,
      timing: 2,
      suggestedTiming: 1,
      priority: 'critical',
      security: true,
      status: 'open',
      reporter: 'U123',
      source: 'slack',
      receivedAt,
      responseDueAt: new Date('2026-03-02T08:45:30.123Z'),
      resolutionDueAt: new Date('2026-03-02T12:15:30.123Z'),
      configVersion: 'sha256:abc',
      idempotencyKey: 'slack:T1:Ev123',
    };

    it('creates and reads back an incident with its events and chat reference', async () => {
      const created = await db.prisma.incident.create({
        data: {
          ...incidentData,
          events: {
            create: [
              { at: receivedAt, actor: 'U123', type: 'opened', data: { priority: 'critical', services: ['eid'] } },
              { at: new Date(receivedAt.getTime() + 60_000), actor: 'U456', type: 'acknowledged', data: {} },
            ],
          },
          chatReferences: { create: { platform: 'slack', channelId: 'C1', messageId: '1712345678.000100', threadId: null } },
        },
      });
      expect(created.id).toBeGreaterThan(0);

      const read = await db.prisma.incident.findUniqueOrThrow({
        where: { id: created.id },
        include: { events: { orderBy: { at: 'asc' } }, chatReferences: true },
      });
      expect(read).toMatchObject({ ...incidentData, description: '', revision: 0, acknowledgedAt: null, closedBy: null });
      expect(read.receivedAt.toISOString()).toBe('2026-03-02T08:15:30.123Z');
      expect(read.createdAt).toBeInstanceOf(Date);
      expect(read.updatedAt).toBeInstanceOf(Date);
      expect(read.events.map((e) => [e.type, e.actor, e.data])).toEqual([
        ['opened', 'U123', { priority: 'critical', services: ['eid'] }],
        ['acknowledged', 'U456', {}],
      ]);
      expect(read.chatReferences).toHaveLength(1);
      expect(read.chatReferences[0]).toMatchObject({ platform: 'slack', channelId: 'C1', messageId: '1712345678.000100', conversation: null });

      // Optimistic concurrency: an update conditioned on a stale revision touches nothing.
      const bumped = await db.prisma.incident.updateMany({
        where: { id: created.id, revision: 0 },
        data: { status: 'acknowledged', revision: { increment: 1 } },
      });
      const stale = await db.prisma.incident.updateMany({ where: { id: created.id, revision: 0 }, data: { status: 'closed', revision: { increment: 1 } } });
      expect([bumped.count, stale.count]).toEqual([1, 0]);

      // A retried delivery cannot create a second incident.
      await expect(db.prisma.incident.create({ data: incidentData })).rejects.toMatchObject({ code: 'P2002' });

      // Events and chat references go with their incident.
      await db.prisma.incident.delete({ where: { id: created.id } });
      expect(await db.prisma.incidentEvent.count({ where: { incidentId: created.id } })).toBe(0);
      expect(await db.prisma.chatReference.count()).toBe(0);
    });

    it('stores audit entries (BigInt ids, nullable JSON), config snapshots and processed deliveries', async () => {
      const entry = await db.prisma.auditEntry.create({
        data: { at: receivedAt, actor: 'U1', entityType: 'incident', entityId: '1', action: 'create', after: { status: 'open' } },
      });
      expect(typeof entry.id).toBe('bigint');
      expect(entry.before).toBeNull();
      const snapshot = await db.prisma.configSnapshot.create({ data: { version: 'sha256:abc', content: { hours: { start: '07:00' } } } });
      expect((await db.prisma.configSnapshot.findUniqueOrThrow({ where: { version: snapshot.version } })).content).toEqual({ hours: { start: '07:00' } });
      await db.prisma.processedDelivery.create({ data: { key: 'slack:Ev1' } });
      await expect(db.prisma.processedDelivery.create({ data: { key: 'slack:Ev1' } })).rejects.toMatchObject({ code: 'P2002' });
    });
  });
});

describe('postgres only', () => {
  it('two processes migrating the same schema at once apply each migration exactly once', async () => {
    const empty = await postgresTarget.openEmpty();
    try {
      const url = new URL(testPostgresUrl());
      url.searchParams.set('schema', empty.schema!);
      const other = await connectPostgresDriver(parsePostgresUrl(url.toString()).config, empty.schema);
      try {
        const results = await Promise.all([migrate(empty.driver), migrate(other)]);
        expect(results.flatMap((r) => r.applied).sort()).toEqual(localMigrations.map((m) => m.name).sort());
        const rows = await empty.driver.query<{ n: string }>(`SELECT count(*)::text AS n FROM "_prisma_migrations"`);
        expect(rows[0]!.n).toBe(String(localMigrations.length));
      } finally {
        await other.close();
      }
    } finally {
      await empty.dispose();
    }
  });

  it('gives up with a clear error when another session holds the migration lock too long', async () => {
    const empty = await postgresTarget.openEmpty();
    try {
      const url = new URL(testPostgresUrl());
      url.searchParams.set('schema', empty.schema!);
      const other = await connectPostgresDriver(parsePostgresUrl(url.toString()).config, empty.schema);
      try {
        await other.query(`SELECT pg_advisory_lock(${MIGRATION_LOCK_KEY})`);
        await expect(migrate(empty.driver, { lockTimeoutMs: 300 })).rejects.toThrow(/Timed out .* migration lock/);
        await other.query(`SELECT pg_advisory_unlock(${MIGRATION_LOCK_KEY})`);
        expect((await migrate(empty.driver)).applied).toEqual(localMigrations.map((m) => m.name));
      } finally {
        await other.close();
      }
    } finally {
      await empty.dispose();
    }
  });

  it('keeps each test database in its own schema', async () => {
    const a = await postgresTarget.open();
    const b = await postgresTarget.open();
    try {
      const [sa] = await a.prisma.$queryRaw<Array<{ s: string }>>`SELECT current_schema() AS s`;
      const [sb] = await b.prisma.$queryRaw<Array<{ s: string }>>`SELECT current_schema() AS s`;
      expect(sa!.s).toMatch(/^t_[0-9a-f]{12}$/);
      expect(sb!.s).not.toBe(sa!.s);
      await a.prisma.processedDelivery.create({ data: { key: 'only-in-a' } });
      expect(await b.prisma.processedDelivery.count()).toBe(0);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });
});

describe('pglite data folder', () => {
  it('persists across reopen and refuses a second concurrent open', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'ssbtek-pglite-'));
    try {
      const db = await openDatabase({ dataDir: path.join(dir, 'data') });
      try {
        expect(db.kind).toBe('pglite');
        await db.prisma.processedDelivery.create({ data: { key: 'persisted' } });
        await expect(openDatabase({ dataDir: path.join(dir, 'data') })).rejects.toThrow(new RegExp(`is in use by process ${process.pid}`));
      } finally {
        await db.close();
      }
      const again = await openDatabase({ dataDir: path.join(dir, 'data') });
      try {
        expect(await again.prisma.processedDelivery.findMany()).toMatchObject([{ key: 'persisted' }]);
        const [row] = await again.prisma.$queryRaw<Array<{ n: number }>>`SELECT count(*)::int AS n FROM "_prisma_migrations"`;
        expect(row!.n).toBe(localMigrations.length);
      } finally {
        await again.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
