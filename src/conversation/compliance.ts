// The commands of issue 14 in the command language: `order` (beställning), `problem`,
// `outage` (avbrott) and `compliance` (efterlevnad). The command table (commands.ts)
// names them and hands their words here; every surface reaches them through the same
// execute. Texts: locales/<lang>/cases.json and compliance.json.
import type { Contract, OrderType } from '../config/contract.js';
import { monthBounds, monthOf, shiftMonth } from '../domain/compliance.js';
import { complianceHeadline, type MonthlyReport } from '../domain/report.js';
import { formatInstant } from '../i18n/format.js';
import type { Translator } from '../i18n/index.js';
import { CaseError, caseRef, isCaseError, parseCaseRef, type CaseKindName, type CaseService, type CaseView } from '../services/cases.js';
import { OutageLog, parseWhen, type OutageEdit, type OutageView } from '../services/cases-outages.js';
import type { ComplianceReader } from '../services/compliance.js';
import type { Actor } from '../services/incidents.js';
import type { ManagerAction } from '../domain/lifecycle.js';
import type { MonthPoint } from '../domain/compliance.js';

/** An image a reply carries (the compliance chart); surfaces that show images attach it. */
export interface ReplyImage {
  filename: string;
  title: string;
  alt: string;
  png: Uint8Array;
}

/** What an extension command answers: text (and maybe an image) for the asker. */
export interface ExtensionReply {
  kind: 'text' | 'error';
  text: string;
  code?: string;
  image?: ReplyImage;
}

export interface ExtensionContext {
  actor: Actor;
  tr: Translator;
  now: number;
  deliveryId?: string;
  /** Throws a refusal unless the actor may take a manager action. */
  authorize(action: ManagerAction): Promise<void>;
}

export interface ComplianceCommandsDeps {
  contract: Contract;
  cases: CaseService;
  outages: OutageLog;
  reader: ComplianceReader;
  /** Renders the 12-month chart (absent: answers without an image). */
  chart?: (series: MonthPoint[], tr: Translator) => Promise<Uint8Array>;
  /** Links to the full report (absent: no link). */
  reportLinks?: (month: string, agency: string | null) => { md: string; csv: string; json: string } | null;
  logError?: (err: unknown, context: string) => void;
}

const SUB = {
  list: ['list', 'lista'],
  status: ['status', 'show', 'visa'],
  ack: ['ack', 'acknowledge', 'start', 'kvittera', 'påbörja'],
  resolve: ['resolve', 'resolved', 'åtgärdad', 'atgardad', 'lös'],
  reopen: ['reopen', 'återöppna', 'ateroppna'],
  close: ['close', 'stäng', 'stang', 'avsluta'],
  link: ['link', 'koppla'],
  cause: ['cause', 'rootcause', 'rotorsak', 'orsak'],
  action: ['action', 'åtgärd', 'atgard', 'förslag'],
  edit: ['edit', 'ändra', 'andra'],
} as const;

type Sub = keyof typeof SUB;

const ORDER_TYPE_WORDS: Record<string, OrderType> = {
  connection: 'connection',
  anslutning: 'connection',
  question: 'question',
  fråga: 'question',
  fraga: 'question',
  information: 'question',
};

const KEY_WORDS: Record<string, string> = {
  title: 'title',
  titel: 'title',
  rubrik: 'title',
  org: 'org',
  agency: 'org',
  myndighet: 'org',
  description: 'description',
  desc: 'description',
  beskrivning: 'description',
  impact: 'impact',
  påverkan: 'impact',
  paverkan: 'impact',
  timing: 'timing',
  tidpunkt: 'timing',
  incidents: 'incidents',
  incidenter: 'incidents',
  incident: 'incidents',
  security: 'security',
  säkerhet: 'security',
  sakerhet: 'security',
  start: 'start',
  början: 'start',
  end: 'end',
  slut: 'end',
  services: 'services',
  tjänster: 'services',
  bastjänster: 'services',
  tjanster: 'services',
  agencies: 'agencies',
  myndigheter: 'agencies',
  cause: 'cause',
  orsak: 'cause',
  plan: 'plan',
  åtgärdsplan: 'plan',
  atgardsplan: 'plan',
  actionplan: 'plan',
};

export class ComplianceCommands {
  constructor(private readonly deps: ComplianceCommandsDeps) {}

  /** Runs `order|problem|outage|compliance <words>`; CaseErrors become refusals in the asker's language. */
  async run(name: 'order' | 'problem' | 'outage' | 'compliance', args: string[], ctx: ExtensionContext): Promise<ExtensionReply> {
    try {
      switch (name) {
        case 'order':
          return await this.caseCommand('order', args, ctx);
        case 'problem':
          return await this.caseCommand('problem', args, ctx);
        case 'outage':
          return await this.outage(args, ctx);
        case 'compliance':
          return await this.compliance(args, ctx);
      }
    } catch (err) {
      if (isCaseError(err))
        return {
          kind: 'error',
          code: err.key,
          text: ctx.tr.t(err.key, {
            ...err.params,
            status: err.params.status !== undefined ? ctx.tr.t(`cases.status.${String(err.params.status)}`) : '',
            action: err.params.action !== undefined ? ctx.tr.t(`cases.action.${String(err.params.action)}`) : '',
          }),
        };
      throw err;
    }
  }

  // ------------------------------------------------------------------------------ compliance

  private async compliance(args: string[], ctx: ExtensionContext): Promise<ExtensionReply> {
    const { contract } = this.deps;
    const { tr, now } = ctx;
    let month: string | null = null;
    let agency: string | null = null;
    for (const word of args) {
      if (/^\d{4}-\d{2}$/.test(word) && month === null) {
        try {
          monthBounds(contract.timezone, word);
          month = word;
          continue;
        } catch {
          return { kind: 'error', code: 'compliance.chat.badMonth', text: tr.t('compliance.chat.badMonth', { value: word }) };
        }
      }
      const found = contract.agencies.find((a) => a.id.toLowerCase() === word.toLowerCase() || a.name.toLowerCase() === word.toLowerCase());
      if (found && agency === null) {
        agency = found.id;
        continue;
      }
      if (/^\d/.test(word)) return { kind: 'error', code: 'compliance.chat.badMonth', text: tr.t('compliance.chat.badMonth', { value: word.slice(0, 20) }) };
      return {
        kind: 'error',
        code: 'compliance.chat.badAgency',
        text: tr.t('compliance.chat.badAgency', { value: word.slice(0, 40), known: contract.agencies.map((a) => a.id).join(', ') }),
      };
    }
    month ??= monthOf(contract.timezone, now);
    const { report, series } = await this.deps.reader.reportWithSeries(month, now, agency);
    const lines = [complianceHeadline(report, tr)];
    const links = this.deps.reportLinks?.(month, agency);
    if (links) lines.push(tr.t('compliance.chat.link', links));
    const reply: ExtensionReply = { kind: 'text', text: lines.join('\n') };
    if (this.deps.chart) {
      try {
        const png = await this.deps.chart(series, tr);
        reply.image = {
          filename: `efterlevnad-${month}${agency ? `-${agency}` : ''}.png`,
          title: tr.t('compliance.chat.chartComment', { month }),
          alt: tr.t('compliance.chat.chartAlt'),
          png,
        };
      } catch (err) {
        // The figures stand without the picture.
        this.deps.logError?.(err, 'compliance chart');
      }
    }
    return reply;
  }

  // ------------------------------------------------------------------------------ cases

  private async caseCommand(kind: CaseKindName, args: string[], ctx: ExtensionContext): Promise<ExtensionReply> {
    const { cases } = this.deps;
    const { tr, now, actor } = ctx;
    const [first, ...rest] = args;
    if (first === undefined) return this.usage(kind, tr);
    const sub = subOf(first);
    const direct = parseCaseRef(first);
    if (direct) return this.text(tr, this.caseText(tr, await cases.get(kind, this.sameKind(kind, direct))));
    if (sub === 'list') {
      const open = await cases.listOpen(kind);
      if (open.length === 0) return this.text(tr, tr.t(`cases.list.empty.${kind}`));
      return this.text(tr, [tr.t(`cases.list.header.${kind}`, { count: open.length }), ...open.map((c) => `  ${this.caseLine(tr, c)}`)].join('\n'));
    }
    if (sub !== null && sub !== 'edit') {
      const target = parseCaseRef(rest[0]);
      if (!target) throw new CaseError('cases.error.badRef', { given: (rest[0] ?? '').slice(0, 40), prefix: kind === 'order' ? 'BES' : 'PRB' });
      const number = this.sameKind(kind, target);
      const text = rest.slice(1).join(' ').trim();
      switch (sub) {
        case 'status':
          return this.text(tr, this.caseText(tr, await cases.get(kind, number)));
        case 'ack':
          return this.changed(tr, 'acknowledged', await cases.acknowledge(kind, number, actor, now));
        case 'resolve':
          await ctx.authorize('resolve');
          return this.changed(tr, 'resolved', await cases.resolve(kind, number, text, actor, now));
        case 'reopen':
          await ctx.authorize('reopen');
          return this.changed(tr, 'reopened', await cases.reopen(kind, number, actor, now));
        case 'close':
          await ctx.authorize('close');
          return this.changed(tr, 'closed', await cases.close(kind, number, actor, now));
        case 'link': {
          if (kind !== 'problem') break;
          const ids = rest
            .slice(1)
            .flatMap((w) => w.split(','))
            .filter(Boolean)
            .map(incidentId);
          if (ids.length === 0 || ids.some((id) => id === null)) throw new CaseError('cases.error.linkUsage');
          return this.changed(tr, 'linked', await cases.link(number, ids as number[], actor, now));
        }
        case 'cause':
          if (kind !== 'problem') break;
          return this.changed(tr, 'rootCause', await cases.setRootCause(number, text, actor, now));
        case 'action':
          if (kind !== 'problem') break;
          return this.changed(tr, 'action', await cases.setAction(number, text, actor, now));
      }
      return this.usage(kind, tr);
    }
    // Opening: `order connection <title…>` or `problem impact=2 timing=3 <title…>`.
    const { fields, words } = keyValues(args);
    if (kind === 'order') {
      const type = ORDER_TYPE_WORDS[(words[0] ?? '').toLowerCase()];
      if (!type) return this.usage(kind, tr);
      const title = fields.title ?? words.slice(1).join(' ');
      const view = await cases.openOrder({ type, title, agencyId: fields.org, description: fields.description, idempotencyKey: ctx.deliveryId }, actor, now);
      return this.changed(tr, 'opened', view);
    }
    const impact = Number(fields.impact);
    const timing = Number(fields.timing);
    if (!fields.impact || !fields.timing) return this.usage(kind, tr);
    const linked = (fields.incidents ?? '').split(',').filter(Boolean).map(incidentId);
    if (linked.some((id) => id === null)) throw new CaseError('cases.error.linkUsage');
    const security = fields.security !== undefined && ['ja', 'yes', 'true', '1'].includes(fields.security.toLowerCase());
    const view = await cases.openProblem(
      {
        impact,
        timing,
        title: fields.title ?? words.join(' '),
        agencyId: fields.org,
        description: fields.description,
        security,
        linkedIncidents: linked as number[],
        idempotencyKey: ctx.deliveryId,
      },
      actor,
      now,
    );
    return this.changed(tr, 'opened', view);
  }

  private sameKind(kind: CaseKindName, ref: { kind: CaseKindName; number: number }): number {
    if (ref.kind !== kind) throw new CaseError('cases.error.badRef', { given: caseRef(ref.kind, ref.number), prefix: kind === 'order' ? 'BES' : 'PRB' });
    return ref.number;
  }

  private usage(kind: CaseKindName | 'outage', tr: Translator): ExtensionReply {
    return { kind: 'error', code: `cases.usage.${kind}`, text: tr.t(`cases.usage.${kind}`) };
  }

  private text(_tr: Translator, text: string): ExtensionReply {
    return { kind: 'text', text };
  }

  private changed(tr: Translator, change: string, view: CaseView): ExtensionReply {
    return { kind: 'text', text: `${tr.t(`cases.changed.${change}`, { ref: view.ref })}\n${this.caseText(tr, view)}` };
  }

  private caseLine(tr: Translator, c: CaseView): string {
    const zone = this.deps.contract.timezone;
    return tr.t('cases.line', {
      ref: c.ref,
      title: c.title,
      category: this.category(tr, c),
      status: tr.t(`cases.status.${c.status}`),
      due: formatInstant(tr, c.resolutionDueAt, zone),
    });
  }

  private category(tr: Translator, c: CaseView): string {
    return c.kind === 'order' ? tr.t(`report.orderType.${c.orderType}`) : tr.t(`report.priority.${c.priority}`);
  }

  private caseText(tr: Translator, c: CaseView): string {
    const zone = this.deps.contract.timezone;
    const when = (t: number | null) => (t === null ? '–' : formatInstant(tr, t, zone));
    const agency = this.deps.contract.agencies.find((a) => a.id === c.agencyId)?.name ?? c.agencyId;
    const lines = [
      tr.t('cases.text.head', { ref: c.ref, title: c.title, category: this.category(tr, c), agency, status: tr.t(`cases.status.${c.status}`) }),
      tr.t('cases.text.received', { at: when(c.receivedAt) }),
    ];
    if (c.responseDueAt !== null)
      lines.push(
        tr.t('cases.text.response', {
          due: when(c.responseDueAt),
          met:
            c.acknowledgedAt === null ? '' : tr.t(c.acknowledgedAt <= c.responseDueAt ? 'cases.text.met' : 'cases.text.missed', { at: when(c.acknowledgedAt) }),
        }),
      );
    lines.push(
      tr.t('cases.text.resolution', {
        due: when(c.resolutionDueAt),
        met: c.resolvedAt === null ? '' : tr.t(c.resolvedAt <= c.resolutionDueAt ? 'cases.text.met' : 'cases.text.missed', { at: when(c.resolvedAt) }),
      }),
    );
    if (c.kind === 'problem') {
      lines.push(tr.t('cases.text.linked', { refs: c.linkedIncidents.map((id) => `INC-${id}`).join(', ') || '–' }));
      lines.push(tr.t('cases.text.rootCause', { text: c.rootCause ?? '–' }));
      lines.push(tr.t('cases.text.action', { text: c.action ?? '–' }));
    }
    if (c.resolutionNote) lines.push(tr.t('cases.text.note', { text: c.resolutionNote }));
    return lines.map((l) => l.trimEnd()).join('\n');
  }

  // ------------------------------------------------------------------------------ outages

  private async outage(args: string[], ctx: ExtensionContext): Promise<ExtensionReply> {
    const { outages, contract } = this.deps;
    const { tr, now, actor } = ctx;
    const zone = contract.timezone;
    const [first, ...rest] = args;
    if (first === undefined) return this.usage('outage', tr);
    const sub = subOf(first);
    const ref = outageId(first);
    if (ref !== null) return this.text(tr, this.outageText(tr, await outages.get(ref)));
    if (sub === 'list') {
      const month = rest[0] && /^\d{4}-\d{2}$/.test(rest[0]) ? rest[0] : monthOf(zone, now);
      let bounds: { start: number; end: number };
      try {
        bounds = monthBounds(zone, month);
      } catch {
        return { kind: 'error', code: 'compliance.chat.badMonth', text: tr.t('compliance.chat.badMonth', { value: month }) };
      }
      const list = await outages.list(bounds.start, bounds.end);
      if (list.length === 0) return this.text(tr, tr.t('cases.outage.listEmpty', { month }));
      return this.text(tr, [tr.t('cases.outage.listHeader', { month, count: list.length }), ...list.map((o) => `  ${this.outageLine(tr, o)}`)].join('\n'));
    }
    const when = (key: string, text: string | undefined): number | undefined => {
      if (text === undefined) return undefined;
      const t = parseWhen(text, zone);
      if (t === null) throw new CaseError('cases.outage.badInstant', { field: key, given: text.slice(0, 40) });
      return t;
    };
    const list = (text: string | undefined) =>
      text === undefined
        ? undefined
        : text
            .split(',')
            .map((s) => s.trim())
            .filter(Boolean);
    if (sub === 'edit') {
      const id = outageId(rest[0] ?? '');
      if (id === null) throw new CaseError('cases.outage.badRef', { given: (rest[0] ?? '').slice(0, 40) });
      const { fields } = keyValues(rest.slice(1));
      const edit: OutageEdit = {
        start: when('start', fields.start),
        end: when('end', fields.end),
        baseServices: list(fields.services),
        agencies: list(fields.agencies ?? fields.org),
        cause: fields.cause,
        actionPlan: fields.plan,
      };
      return { kind: 'text', text: `${tr.t('cases.outage.edited', { ref: `AVB-${id}` })}\n${this.outageText(tr, await outages.edit(id, edit, actor, now))}` };
    }
    const { fields, words } = keyValues(args);
    const disturbed = words.some((w) => ['disturbed', 'störning', 'storning', 'disturbance'].includes(w.toLowerCase()));
    const start = when('start', fields.start);
    const end = when('end', fields.end);
    if (start === undefined || end === undefined) return this.usage('outage', tr);
    const incident = fields.incidents === undefined ? null : incidentId(fields.incidents);
    if (fields.incidents !== undefined && incident === null) throw new CaseError('cases.error.linkUsage');
    const cause = fields.cause ?? words.filter((w) => !['disturbed', 'störning', 'storning', 'disturbance'].includes(w.toLowerCase())).join(' ');
    const view = await outages.record(
      {
        start,
        end,
        baseServices: list(fields.services),
        agencies: list(fields.agencies ?? fields.org),
        cause,
        actionPlan: fields.plan,
        kind: disturbed ? 'disturbed' : 'unplanned',
        incidentId: incident,
      },
      actor,
      now,
    );
    return { kind: 'text', text: `${tr.t('cases.outage.recorded', { ref: view.ref })}\n${this.outageText(tr, view)}` };
  }

  private outageLine(tr: Translator, o: OutageView): string {
    const zone = this.deps.contract.timezone;
    return tr.t('cases.outage.line', {
      ref: o.ref,
      kind: tr.t(`cases.outage.kind.${o.kind}`),
      start: formatInstant(tr, o.start, zone),
      end: formatInstant(tr, o.end, zone),
      cause: o.cause || '–',
    });
  }

  private outageText(tr: Translator, o: OutageView): string {
    return [
      this.outageLine(tr, o),
      tr.t('cases.outage.services', {
        services: o.baseServices.join(', ') || tr.t('cases.outage.wholeFlow'),
        agencies: o.agencies.join(', ') || tr.t('cases.outage.allAgencies'),
      }),
      tr.t('cases.outage.plan', { plan: o.actionPlan || '–' }),
      ...(o.incidentId ? [tr.t('cases.outage.incident', { ref: `INC-${o.incidentId}` })] : []),
    ].join('\n');
  }
}

/** Headline of a report (for platforms that build their own answer). */
export function headlineOf(report: MonthlyReport, tr: Translator): string {
  return complianceHeadline(report, tr);
}

/** The month before `month`. */
export const previousOf = (month: string) => shiftMonth(month, -1);

function subOf(word: string): Sub | null {
  const w = word.toLowerCase();
  for (const [sub, words] of Object.entries(SUB) as Array<[Sub, readonly string[]]>) if (words.includes(w)) return sub;
  return null;
}

/** `key=value` words (Swedish or English keys) apart from plain words. */
function keyValues(words: string[]): { fields: Record<string, string>; words: string[] } {
  const fields: Record<string, string> = {};
  const plain: string[] = [];
  for (const w of words) {
    const eq = w.indexOf('=');
    const key = eq > 0 ? KEY_WORDS[w.slice(0, eq).toLowerCase()] : undefined;
    if (key) fields[key] = w.slice(eq + 1).trim();
    else plain.push(w);
  }
  return { fields, words: plain };
}

function incidentId(text: string): number | null {
  const m = /^(?:INC-?)?(\d{1,9})$/i.exec(text.trim());
  return m ? Number(m[1]) : null;
}

function outageId(text: string): number | null {
  const m = /^AVB-?(\d{1,9})$/i.exec(text.trim());
  return m ? Number(m[1]) : null;
}

export { OutageLog };
