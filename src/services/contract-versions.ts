// Every incident is judged by the contract its deadlines were computed from (its
// `configVersion`), not by whatever configuration is loaded now: the exact configuration
// is stored in config_snapshots, and this registry hands back that version's contract and
// calendar. The version loaded now is written once per process with INSERT … ON CONFLICT
// DO NOTHING, so any number of concurrent writers (opens in one process, several
// replicas, a fresh database) can never collide on it.
import type { Contract } from '../config/contract.js';
import { contractFromSnapshot } from '../config/load.js';
import { BusinessCalendar } from '../domain/calendar.js';
import type { Prisma, PrismaClient } from '../store/index.js';

export interface ContractVersion {
  contract: Contract;
  calendar: BusinessCalendar;
}

type SqlClient = Pick<PrismaClient, '$executeRaw'> | Prisma.TransactionClient;

export class ContractVersions {
  private readonly known = new Map<string, ContractVersion>();
  /** Versions that could not be rebuilt from their snapshot (served by the current one). */
  private readonly unusable = new Set<string>();
  private currentStored = false;

  constructor(
    readonly current: ContractVersion,
    private readonly prisma: PrismaClient,
    private readonly onFallback: (version: string, reason: string) => void = () => {},
  ) {
    this.known.set(current.contract.version, current);
  }

  /** Writes the current version's snapshot unless this process already did. */
  async ensureCurrentStored(client: SqlClient = this.prisma): Promise<void> {
    if (this.currentStored) return;
    const { contract } = this.current;
    await client.$executeRaw`INSERT INTO config_snapshots (version, content) VALUES (${contract.version}, ${JSON.stringify(contract)}::jsonb) ON CONFLICT (version) DO NOTHING`;
  }

  /** Call after the transaction that wrote the snapshot committed. */
  markCurrentStored(): void {
    this.currentStored = true;
  }

  /** Loads the versions named (once each), so `get` can answer without I/O. */
  async preload(versions: Iterable<string>, client: Pick<PrismaClient, 'configSnapshot'> | Prisma.TransactionClient = this.prisma): Promise<void> {
    const missing = [...new Set(versions)].filter((v) => !this.known.has(v) && !this.unusable.has(v));
    if (!missing.length) return;
    const rows = await client.configSnapshot.findMany({ where: { version: { in: missing } } });
    const found = new Map(rows.map((r) => [r.version, r.content]));
    for (const version of missing) {
      const content = found.get(version);
      if (content === undefined) {
        this.fallBack(version, 'no stored snapshot');
        continue;
      }
      try {
        const contract = contractFromSnapshot(content, version);
        this.known.set(version, { contract, calendar: new BusinessCalendar(contract) });
      } catch (err) {
        this.fallBack(version, err instanceof Error ? err.message.split('\n')[0]! : String(err));
      }
    }
  }

  /**
   * The contract and calendar of `version`: the stored one when it was preloaded, else the
   * current one (a snapshot that is missing or no longer readable is logged once).
   */
  get(version: string): ContractVersion {
    return this.known.get(version) ?? this.current;
  }

  private fallBack(version: string, reason: string): void {
    this.unusable.add(version);
    this.onFallback(version, reason);
  }
}
