// What can stop the bot from starting, as one translated line that says what to fix:
// a database that cannot be reached or used, a data folder that cannot be used, or a
// configuration that would strand open incidents. main.ts and the CLI print
// `startup.<code>` from locales/<lang>/startup.json and exit 2 (the user can fix it).
import type { Contract } from '../config/contract.js';
import { DataDirLockedError, type PrismaClient } from '../store/index.js';
import { incidentRef } from './incidents.js';

export type StartupCode =
  | 'db.refused'
  | 'db.unknownHost'
  | 'db.timeout'
  | 'db.unknownDatabase'
  | 'db.unknownRole'
  | 'db.authFailed'
  | 'db.permission'
  | 'db.badSchema'
  | 'db.badUrl'
  | 'dataDir.notFolder'
  | 'dataDir.unwritable'
  | 'dataDir.invalid'
  | 'dataDir.locked'
  | 'contract.agencyRemoved'
  | 'contract.noResponseTarget'
  | 'alerts.secretMissing'
  | 'alerts.secretShort'
  | 'http.portInUse';

export class StartupError extends Error {
  constructor(
    readonly code: StartupCode,
    readonly params: Record<string, string | number> = {},
    options?: { cause?: unknown },
  ) {
    super(`${code} ${JSON.stringify(params)}`, options);
    this.name = 'StartupError';
  }
}

/** The place a store error concerns, for the message. */
export interface StoreTarget {
  /** postgresql://… (the password is never shown) or undefined for the embedded store. */
  url?: string;
  dataDir?: string;
}

/**
 * Turns what the database driver, PGlite or the file system threw while opening the store
 * into a StartupError, or returns null for a fault that is not the user's to fix.
 */
export function classifyStoreError(err: unknown, target: StoreTarget): StartupError | null {
  if (err instanceof StartupError) return err;
  if (err instanceof DataDirLockedError) {
    return new StartupError('dataDir.locked', { dir: err.dir, pid: err.holder.pid, host: err.holder.host, since: err.holder.since }, { cause: err });
  }
  const { codes, messages } = describeError(err);
  const message = messages.join(' ');
  const where = target.url ? describeUrl(target.url) : { server: '', database: '', user: '' };
  const dir = target.dataDir ?? '';
  const has = (...c: string[]) => c.some((x) => codes.has(x));
  if (target.url) {
    if (has('ERR_INVALID_URL') || /Invalid URL/i.test(message)) return new StartupError('db.badUrl', {}, { cause: err });
    if (/schema name/i.test(message) || has('3F000')) return new StartupError('db.badSchema', { schema: schemaOf(target.url) }, { cause: err });
    if (has('ECONNREFUSED', 'ECONNRESET', 'EHOSTUNREACH', 'ENETUNREACH')) return new StartupError('db.refused', { server: where.server }, { cause: err });
    if (has('ENOTFOUND', 'EAI_AGAIN')) return new StartupError('db.unknownHost', { server: where.server }, { cause: err });
    if (has('ETIMEDOUT') || /timeout/i.test(message)) return new StartupError('db.timeout', { server: where.server }, { cause: err });
    if (has('3D000')) return new StartupError('db.unknownDatabase', { database: where.database, server: where.server }, { cause: err });
    if (has('28000') && /role/i.test(message)) return new StartupError('db.unknownRole', { user: where.user, server: where.server }, { cause: err });
    if (has('28000', '28P01')) return new StartupError('db.authFailed', { user: where.user, server: where.server }, { cause: err });
    if (has('42501')) return new StartupError('db.permission', { user: where.user, database: where.database }, { cause: err });
    return null;
  }
  if (has('ENOTDIR', 'EEXIST') && !/lock/i.test(message)) return new StartupError('dataDir.notFolder', { dir }, { cause: err });
  if (has('EACCES', 'EPERM', 'EROFS', 'ENOSPC')) return new StartupError('dataDir.unwritable', { dir }, { cause: err });
  if (/PGlite failed to initialize|invalid data directory|PG_VERSION|database files are incompatible/i.test(message)) {
    return new StartupError('dataDir.invalid', { dir }, { cause: err });
  }
  return null;
}

/**
 * A configuration must not strand what is already open: every open incident's agency must
 * still exist, and every incident priority must keep a response target (refused otherwise,
 * naming the field and the incidents).
 */
export async function checkContractAgainstStore(prisma: PrismaClient, contract: Contract): Promise<void> {
  for (const [priority, pair] of Object.entries(contract.incidentTargets)) {
    if (!pair.response) throw new StartupError('contract.noResponseTarget', { field: `incidentTargets.${priority}.response` });
  }
  const known = contract.agencies.map((a) => a.id);
  const stranded = await prisma.incident.findMany({
    where: { status: { in: ['open', 'acknowledged', 'resolved'] }, agencyId: { notIn: known } },
    select: { id: true, agencyId: true },
    orderBy: { id: 'asc' },
  });
  if (!stranded.length) return;
  const agencies = [...new Set(stranded.map((i) => i.agencyId))];
  const shown = stranded.slice(0, 20).map((i) => incidentRef(i.id));
  const more = stranded.length - shown.length;
  throw new StartupError('contract.agencyRemoved', {
    field: 'agencies',
    agencies: agencies.join(', '),
    incidents: more > 0 ? `${shown.join(', ')} (+${more})` : shown.join(', '),
    count: stranded.length,
  });
}

/** The codes and messages of an error, of its causes and of the errors it aggregates, in one walk. */
function describeError(err: unknown): { codes: Set<string>; messages: string[] } {
  const codes = new Set<string>();
  const messages: string[] = [];
  const seen = new Set<unknown>();
  const visit = (e: unknown) => {
    if (typeof e === 'string') return void messages.push(e);
    if (typeof e !== 'object' || e === null || seen.has(e)) return;
    seen.add(e);
    const { code, message, cause, errors } = e as { code?: unknown; message?: unknown; cause?: unknown; errors?: unknown };
    if (typeof code === 'string') codes.add(code);
    if (typeof message === 'string') messages.push(message);
    visit(cause);
    if (Array.isArray(errors)) errors.forEach(visit);
  };
  visit(err);
  return { codes, messages };
}

function describeUrl(url: string): { server: string; database: string; user: string } {
  try {
    const u = new URL(url);
    return {
      server: `${u.hostname}:${u.port || '5432'}`,
      database: decodeURIComponent(u.pathname.replace(/^\//, '')) || 'postgres',
      user: decodeURIComponent(u.username) || 'postgres',
    };
  } catch {
    return { server: '?', database: '?', user: '?' };
  }
}

function schemaOf(url: string): string {
  try {
    return new URL(url).searchParams.get('schema') ?? '';
  } catch {
    return '';
  }
}
