// The SSBTEK underpinning contract (UC) as validated data.
//
// Every number the contract sets is validated here; the seed's values (seed.ts) are the defaults
// (see shared/spec/uc-summary.md). An agency whose contract says otherwise changes a
// configuration file, never the code. The schema is the single place that knows the
// shape; everything downstream receives a parsed, frozen `Contract`.
import Holidays from 'date-holidays';
import { DateTime, IANAZone } from 'luxon';
import { z } from 'zod';
import { CASE_REMINDERS } from './case-reminders.js';
import { routineSchema } from './routine.js';
import { alertsSchema, checkAlertAgencies } from './alerts.js';

export const PRIORITIES = ['critical', 'high', 'medium', 'low'] as const;
export type Priority = (typeof PRIORITIES)[number];

export const TIME_UNITS = ['minutes', 'hours', 'workingDays', 'calendarDays'] as const;
export type TimeUnit = (typeof TIME_UNITS)[number];

export const ORDER_TYPES = ['connection', 'question'] as const;
export type OrderType = (typeof ORDER_TYPES)[number];

/**
 * What a contract could mean: every amount the configuration sets is bounded here, in one
 * place, and a refusal quotes the bound. The calendar derives its loop bounds from these
 * (src/domain/calendar.ts), so no configuration that passes can make it search forever.
 */
export const LIMITS = {
  /** Largest target per unit: a year of time (250 working days is a Swedish working year). */
  target: { minutes: 525_600, hours: 8_760, workingDays: 250, calendarDays: 365 },
  /**
   * Largest stretch of support-clock time any single target or reminder span may need,
   * counted in working days of the shortest support day of any agency.
   */
  supportWorkingDays: 250,
  /** A reminder lead time, repeat interval or escalation delay: at most a year. */
  span: { minutes: 525_600, hours: 8_760 },
  /** Repeats after a breach. */
  repeatMax: 1_000,
  /** A snooze choice: at most a week, in minutes. */
  snoozeMinutes: 10_080,
  /** Notice periods, in weeks. */
  noticeWeeks: 104,
  /** Outage counts and downtime hours (a year has at most 8 784 hours). */
  downtimeHoursPerYear: 8_784,
  outagesPerMonth: 1_000,
  outagesPerYear: 10_000,
  /** Extra closed or open dates listed in the configuration. */
  listedDates: 1_000,
  /** Other lists: reminder fractions and lead times, holiday types and names, low-season ranges. */
  listItems: 100,
  /** Agencies under one contract. */
  agencies: 1_000,
  /** Years a listed date may name. */
  firstYear: 1970,
  lastYear: 2199,
} as const;

/** Custom problems carry an i18n key (locales/<lang>/config.json, under config.issue) as their message. */
export const ISSUE = (name: string) => `config.issue.${name}`;

const clockTime = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, { message: ISSUE('clockTime') });

const monthDay = z
  .string()
  .regex(/^(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/, { message: ISSUE('monthDay') })
  // 02-29 exists (in leap years); 02-30 and 04-31 never do.
  .refine((v) => DateTime.fromISO(`2000-${v}`).isValid, { message: ISSUE('monthDayInvalid') });

const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, { message: ISSUE('date') })
  .refine((v) => DateTime.fromISO(v).isValid, { message: ISSUE('dateInvalid') })
  .refine((v) => Number(v.slice(0, 4)) >= LIMITS.firstYear && Number(v.slice(0, 4)) <= LIMITS.lastYear, {
    message: ISSUE('dateYear'),
    params: { min: String(LIMITS.firstYear), max: String(LIMITS.lastYear) },
  });

const timeZone = z.string().refine((v) => IANAZone.isValidZone(v), { message: ISSUE('timezone') });

const holidayCountries = new Set(Object.keys(new Holidays().getCountries()));
const country = z.string().refine((v) => holidayCountries.has(v), { message: ISSUE('country') });

/** A finite, bounded number (zod refuses NaN and ±Infinity; the bound refuses 1e308). */
const bounded = (max: number) => z.number().max(max);

/** Weekly hours: ISO weekdays (1 = Monday … 7 = Sunday) open from `open` to `close`. */
const weeklyHours = z
  .object({
    days: z
      .array(z.number().int().min(1).max(7))
      .min(1)
      .max(7)
      .refine((d) => new Set(d).size === d.length, { message: ISSUE('daysUnique') }),
    open: clockTime,
    close: clockTime,
  })
  .strict()
  .refine((h) => h.open < h.close, { message: ISSUE('openBeforeClose') });

/**
 * Length of one working day of an agency's support clock, in ms (its own support hours,
 * else the contract's; an unknown or missing id gets the contract's).
 */
export function supportDayMs(contract: { supportHours: WeeklyHours; agencies: readonly Agency[] }, agencyId?: string): number {
  const agency = agencyId === undefined ? undefined : contract.agencies.find((a) => a.id === agencyId);
  return dayLengthMinutes(agency?.supportHours ?? contract.supportHours) * 60_000;
}

/** Length of one ordinary day of weekly hours, in minutes. */
export function dayLengthMinutes(h: WeeklyHours): number {
  const m = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));
  return m(h.close) - m(h.open);
}
export type WeeklyHours = z.infer<typeof weeklyHours>;

/**
 * A target: an amount and its unit. Minutes and hours run on the agency's support
 * clock unless `clock` is "wall"; working days are that many support-day lengths on
 * the support clock; calendar days are days on the wall calendar.
 */
const target = z
  .object({
    amount: z.number().positive(),
    unit: z.enum(TIME_UNITS),
    clock: z.enum(['support', 'wall']).default('support'),
  })
  .strict()
  .superRefine((t, ctx) => {
    const max = LIMITS.target[t.unit];
    if (t.amount > max) ctx.addIssue({ code: 'custom', path: ['amount'], message: ISSUE('targetTooLarge'), params: { max, unit: t.unit } });
  });
export type Target = z.infer<typeof target>;

const targetPair = z
  .object({
    response: target.nullable(),
    resolution: target,
  })
  .strict();
export type TargetPair = z.infer<typeof targetPair>;

/** A part that is read from `fallback` when absent (it goes through the schema like any input). */
const withDefault = <T extends z.ZodTypeAny>(fallback: unknown, schema: T) => z.preprocess((v) => (v === undefined ? structuredClone(fallback) : v), schema);

const byPriority = <T extends z.ZodTypeAny>(schema: T) => z.object({ critical: schema, high: schema, medium: schema, low: schema }).strict();

const agency = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, { message: ISSUE('agencyId') }),
    name: z.string().min(1),
    supportHours: weeklyHours.optional(),
  })
  .strict();
export type Agency = z.infer<typeof agency>;

/** A lead time or interval for reminders: minutes or hours, on the target's clock. */
const span = z
  .object({ amount: z.number().positive(), unit: z.enum(['minutes', 'hours']) })
  .strict()
  .superRefine((t, ctx) => {
    const max = LIMITS.span[t.unit];
    if (t.amount > max) ctx.addIssue({ code: 'custom', path: ['amount'], message: ISSUE('spanTooLarge'), params: { max, unit: t.unit } });
  });
export type Span = z.infer<typeof span>;

/**
 * The reminder ladder for one target: warnings at fractions of the target and/or fixed
 * lead times before the deadline, the breach ping, repeats until someone acts (with a
 * cap), and a second escalation level when the first does not act in time.
 */
const ladder = z
  .object({
    warnAtFractions: z.array(z.number().gt(0).lt(1)).max(LIMITS.listItems).default([]),
    warnBefore: z.array(span).max(LIMITS.listItems).default([]),
    breach: z.boolean().default(true),
    repeatEvery: span.nullable().default(null),
    repeatMax: z.number().int().min(0).max(LIMITS.repeatMax).default(0),
    escalateAfter: span.nullable().default(null),
  })
  .strict();
export type Ladder = z.infer<typeof ladder>;

const slackUserId = z.string().regex(/^[UW][A-Z0-9]+$/, { message: ISSUE('slackUser') });
const slackGroupId = z.string().regex(/^S[A-Z0-9]+$/, { message: ISSUE('slackGroup') });
const slackChannelId = z.string().regex(/^[CG][A-Z0-9]+$/, { message: ISSUE('slackChannel') });
/** A Microsoft Entra object id (a GUID): how Teams names a person. */
const entraObjectId = z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, { message: ISSUE('teamsUser') });
/** A Teams conversation id (channel or chat), e.g. 19:…@thread.tacv2. */
const teamsConversationId = z.string().regex(/^[^\s]{3,300}$/, { message: ISSUE('teamsChannel') });

/** Legacy fields (slackUsers, slackGroups, slackChannel) read as `slack: { users, groups, channel }`. */
export const LEGACY_CONTACT_FIELDS = { slackUsers: 'users', slackGroups: 'groups', slackChannel: 'channel' } as const;

function readLegacyContacts(value: unknown): unknown {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return value;
  const entries = Object.entries(value as Record<string, unknown>);
  if (!entries.some(([k]) => k in LEGACY_CONTACT_FIELDS)) return value;
  const out: Record<string, unknown> = {};
  const slack: Record<string, unknown> = { ...((value as { slack?: Record<string, unknown> }).slack ?? {}) };
  for (const [key, v] of entries) {
    if (key in LEGACY_CONTACT_FIELDS) slack[LEGACY_CONTACT_FIELDS[key as keyof typeof LEGACY_CONTACT_FIELDS]] = v;
    else if (key !== 'slack') out[key] = v;
  }
  return { ...out, slack };
}

/**
 * Who is pinged at one escalation level, and where, per platform: Slack users (U…), user
 * groups (S…) and a channel; Teams users (Entra object ids) and a channel. The domain hands
 * this neutral target to each platform, which turns it into its own mentions.
 */
const contacts = z.preprocess(
  readLegacyContacts,
  z
    .object({
      slack: z
        .object({
          users: z.array(slackUserId).max(LIMITS.listItems).default([]),
          groups: z.array(slackGroupId).max(LIMITS.listItems).default([]),
          channel: slackChannelId.optional(),
        })
        .strict()
        .prefault({}),
      teams: z
        .object({ users: z.array(entraObjectId).max(LIMITS.listItems).default([]), channel: teamsConversationId.optional() })
        .strict()
        .prefault({}),
    })
    .strict(),
);
export type Contacts = z.infer<typeof contacts>;

const escalationLevels = z.object({ level1: contacts.prefault({}), level2: contacts.prefault({}) }).strict();
export type EscalationLevels = z.infer<typeof escalationLevels>;

const priorityName = z.enum(PRIORITIES);
const matrixRow = z.tuple([priorityName, priorityName, priorityName, priorityName]);

const contractShape = z
  .object({
    timezone: timeZone,
    /** Opening hours of the service (4.1.1). */
    openingHours: weeklyHours,
    /** Support hours (4.2.1); an agency may have its own. */
    supportHours: weeklyHours,
    agencies: z
      .array(agency)
      .min(1)
      .max(LIMITS.agencies)
      .refine((list) => new Set(list.map((a) => a.id)).size === list.length, { message: ISSUE('agencyIdsUnique') }),
    /** Agency used when none is named. */
    defaultAgency: z.string(),
    holidays: z
      .object({
        country,
        /** date-holidays types that close the day ("public" = röda dagar). */
        closedTypes: z.array(z.string()).max(LIMITS.listItems),
        /** Further named days closed all day (date-holidays' Swedish names). */
        closedNames: z.array(z.string()).max(LIMITS.listItems),
        halfDays: z
          .object({
            enabled: z.boolean(),
            names: z.array(z.string()).max(LIMITS.listItems),
            closeAt: clockTime,
          })
          .strict(),
        /** Local exceptions: extra closed dates and dates open despite a holiday. */
        extraClosed: z.array(isoDate).max(LIMITS.listedDates),
        extraOpen: z.array(isoDate).max(LIMITS.listedDates),
      })
      .strict(),
    /**
     * Priority matrix (4.3): rows are Tidpunkt 1–4, columns Påverkan 1–4.
     */
    priorityMatrix: z.tuple([matrixRow, matrixRow, matrixRow, matrixRow]),
    /**
     * Critical period (3.2): from `startDay` to the end of every month. "Close to" it
     * (reading): `daysBefore` calendar days before the start and the first
     * `daysAfterMonthEnd` days of the next month. Low season (reading): date ranges,
     * which win over the critical period when `lowSeasonWins`.
     */
    criticalPeriod: z
      .object({
        startDay: z.number().int().min(1).max(28),
        daysBefore: z.number().int().min(0).max(27),
        daysAfterMonthEnd: z.number().int().min(0).max(27),
        lowSeason: z.array(z.object({ from: monthDay, to: monthDay, label: z.string().optional() }).strict()).max(LIMITS.listItems),
        lowSeasonWins: z.boolean(),
      })
      .strict(),
    /** Incident targets (4.3.1). */
    incidentTargets: byPriority(targetPair),
    /** Problem targets (4.5.1); "6 dagar" is read as calendar days. */
    problemTargets: byPriority(targetPair),
    /** Order targets (4.4.1): no response target. */
    orderTargets: z.object({ connection: targetPair, question: targetPair }).strict(),
    /** Share of cases that must meet their targets (4.3.1, 4.4.1, 4.5.1). */
    goals: z
      .object({
        incidents: z.number().min(0).max(1),
        orders: z.number().min(0).max(1),
        problems: z.number().min(0).max(1),
      })
      .strict(),
    /** Notice periods (4.6.4, 4.1.2). */
    notice: z
      .object({
        plannedChangeWeeks: z.number().int().min(0).max(LIMITS.noticeWeeks),
        extraOpeningRequestWeeks: z.number().int().min(0).max(LIMITS.noticeWeeks),
        decisionMeeting: z.object({ weekday: z.number().int().min(1).max(7), time: clockTime, materialBy: clockTime }).strict(),
      })
      .strict(),
    /** Availability and reliability (4.9.1), quality (4.10.1). */
    availability: z
      .object({
        minShare: z.number().min(0).max(1),
        maxDowntimeHoursPerYear: bounded(LIMITS.downtimeHoursPerYear).min(0),
        maxUnplannedOutagesPerMonth: z.number().int().min(0).max(LIMITS.outagesPerMonth),
        maxUnplannedOutagesPerYear: z.number().int().min(0).max(LIMITS.outagesPerYear),
        minAnsweredShare: z.number().min(0).max(1),
      })
      .strict(),
    /** Monthly report day (5). */
    reportDay: z.number().int().min(1).max(28),
    /** Reminders before a deadline breaks, the breach ping and repeats (per priority and target). */
    reminders: z
      .object({
        incidents: byPriority(z.object({ response: ladder, resolution: ladder }).strict()),
        /** Orders (4.4.1) have only a delivery (resolution) target. */
        orders: withDefault(
          CASE_REMINDERS.orders,
          z.object({ connection: z.object({ resolution: ladder }).strict(), question: z.object({ resolution: ladder }).strict() }).strict(),
        ),
        /** Problems (4.5.1), per priority like incidents. */
        problems: withDefault(CASE_REMINDERS.problems, byPriority(z.object({ response: ladder, resolution: ladder }).strict())),
        /** A reminder due outside support hours of a support-clock target waits for the next opening. */
        holdOutsideSupportHours: z.boolean(),
        /** Snooze choices offered with a reminder, in minutes. */
        snoozeMinutes: z.array(z.number().int().positive().max(LIMITS.snoozeMinutes)).min(1).max(4),
      })
      .strict(),
    /**
     * Escalation contacts (6): a default, overridden per agency and per priority.
     * Level 1 is pinged on a breach; level 2 when level 1 has not acted in time.
     */
    escalation: z
      .object({
        default: escalationLevels,
        agencies: z.record(
          z.string(),
          z
            .object({
              default: escalationLevels.optional(),
              critical: escalationLevels.optional(),
              high: escalationLevels.optional(),
              medium: escalationLevels.optional(),
              low: escalationLevels.optional(),
            })
            .strict(),
        ),
      })
      .strict(),
    /**
     * Who holds a role, per platform (deny by default): with no list anywhere everyone may do
     * everything; once any list is set, an actor of a platform without a list holds no role.
     * Slack lists take user ids (U…) and user groups (S…), Teams Entra object ids, the
     * console user names (SSBTEK_USER).
     */
    roles: z
      .object({
        manager: z
          .object({
            slack: z
              .array(z.union([slackUserId, slackGroupId]))
              .max(LIMITS.listItems)
              .optional(),
            teams: z.array(entraObjectId).max(LIMITS.listItems).optional(),
            console: z.array(z.string().min(1).max(200)).max(LIMITS.listItems).optional(),
          })
          .strict()
          .prefault({}),
      })
      .strict()
      .prefault({}),
    /** The information routine (4.1.2, 4.6, 6): releases, announcement ladder, disturbance notices; see routine.ts. */
    routine: routineSchema.prefault({}),
    /** Incidents from monitoring (4.2): alert senders, quiet period and mapping rules; see alerts.ts. */
    alerts: alertsSchema.prefault({}),
  })
  .strict();

export const contractSchema = contractShape.superRefine((c, ctx) => {
  const known = c.agencies.map((a) => a.id).join(', ');
  if (!c.agencies.some((a) => a.id === c.defaultAgency)) {
    ctx.addIssue({ code: 'custom', path: ['defaultAgency'], message: ISSUE('unknownAgency'), params: { known } });
  }
  for (const id of Object.keys(c.escalation.agencies)) {
    if (!c.agencies.some((a) => a.id === id))
      ctx.addIssue({ code: 'custom', path: ['escalation', 'agencies', id], message: ISSUE('unknownAgency'), params: { known } });
  }
  const { startDay, daysBefore } = c.criticalPeriod;
  if (daysBefore >= startDay) {
    ctx.addIssue({ code: 'custom', path: ['criticalPeriod', 'daysBefore'], message: ISSUE('daysBeforeStart'), params: { startDay } });
  }
  checkSupportReach(c, ctx);
  checkAlertAgencies(c, ctx);
});

/**
 * A target or reminder span on the support clock runs only within support hours, so its
 * reach depends on how long a support day is: 2 000 hours is 222 working days of 9 hours
 * but 2 000 days of one hour. Each is bounded by LIMITS.supportWorkingDays of the
 * shortest support day of any agency, which also bounds every calendar search.
 */
function checkSupportReach(c: z.infer<typeof contractShape>, ctx: z.RefinementCtx): void {
  const days = c.agencies.map((a) => ({ name: a.name, minutes: dayLengthMinutes(a.supportHours ?? c.supportHours) }));
  // Hours that close before they open are reported by their own check.
  if (days.length === 0 || days.some((d) => !(d.minutes > 0))) return;
  const shortest = days.reduce((a, b) => (b.minutes < a.minutes ? b : a));
  const reach = LIMITS.supportWorkingDays * shortest.minutes;
  const check = (minutes: number, unit: 'minutes' | 'hours', path: (string | number)[]) => {
    // Not a finite number, or over a year: already reported by the amount's own bound.
    if (!Number.isFinite(minutes) || minutes <= reach || (path.at(-1) === 'amount' && minutes > LIMITS.target.minutes)) return;
    const max = unit === 'hours' ? Math.floor(reach / 60) : reach;
    ctx.addIssue({
      code: 'custom',
      path,
      message: ISSUE('supportReach'),
      params: { max, unit, workingDays: LIMITS.supportWorkingDays, agency: shortest.name, dayHours: formatHours(shortest.minutes) },
    });
  };
  const perUnit = { minutes: 1, hours: 60 } as const;
  const targets: Array<[Target | null, (string | number)[]]> = [];
  for (const table of ['incidentTargets', 'problemTargets'] as const) {
    for (const p of PRIORITIES) {
      targets.push([c[table][p].response, [table, p, 'response']], [c[table][p].resolution, [table, p, 'resolution']]);
    }
  }
  for (const o of ORDER_TYPES)
    targets.push([c.orderTargets[o].response, ['orderTargets', o, 'response']], [c.orderTargets[o].resolution, ['orderTargets', o, 'resolution']]);
  for (const [t, path] of targets) {
    if (t?.clock !== 'support' || (t.unit !== 'minutes' && t.unit !== 'hours')) continue;
    check(t.amount * perUnit[t.unit], t.unit, [...path, 'amount']);
  }
  const ladders: Array<[Ladder, (string | number)[]]> = [];
  for (const p of PRIORITIES) {
    for (const which of ['response', 'resolution'] as const) {
      ladders.push([c.reminders.incidents[p][which], ['reminders', 'incidents', p, which]]);
      ladders.push([c.reminders.problems[p][which], ['reminders', 'problems', p, which]]);
    }
  }
  for (const o of ORDER_TYPES) ladders.push([c.reminders.orders[o].resolution, ['reminders', 'orders', o, 'resolution']]);
  for (const [l, path] of ladders) {
    for (const [i, s] of l.warnBefore.entries()) check(s.amount * perUnit[s.unit], s.unit, [...path, 'warnBefore', i, 'amount']);
    if (l.escalateAfter) check(l.escalateAfter.amount * perUnit[l.escalateAfter.unit], l.escalateAfter.unit, [...path, 'escalateAfter', 'amount']);
    if (l.repeatEvery) check(l.repeatEvery.amount * perUnit[l.repeatEvery.unit] * l.repeatMax, l.repeatEvery.unit, [...path, 'repeatMax']);
  }
}

function formatHours(minutes: number): string {
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  return [h ? `${h} h` : '', m ? `${m} min` : ''].filter(Boolean).join(' ');
}

export type ContractInput = z.input<typeof contractSchema>;
export type Contract = z.infer<typeof contractSchema> & { readonly version: string };
