// The SSBTEK underpinning contract (UC) as validated data.
//
// Every number the contract sets is validated here; the seed's values (seed.ts) are the defaults
// (see shared/spec/uc-summary.md). An agency whose contract says otherwise changes a
// configuration file, never the code. The schema is the single place that knows the
// shape; everything downstream receives a parsed, frozen `Contract`.
import { z } from 'zod';
import { routineSchema } from './routine.js';

export const PRIORITIES = ['critical', 'high', 'medium', 'low'] as const;
export type Priority = (typeof PRIORITIES)[number];

export const TIME_UNITS = ['minutes', 'hours', 'workingDays', 'calendarDays'] as const;
export type TimeUnit = (typeof TIME_UNITS)[number];

export const ORDER_TYPES = ['connection', 'question'] as const;
export type OrderType = (typeof ORDER_TYPES)[number];

const clockTime = z
  .string()
  .regex(/^([01]\d|2[0-3]):[0-5]\d$/, { message: 'must be a time of day as HH:MM, e.g. "08:00"' });

const monthDay = z
  .string()
  .regex(/^(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/, { message: 'must be a month and day as MM-DD, e.g. "12-24"' });

const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, { message: 'must be a date as YYYY-MM-DD' });

/** Weekly hours: ISO weekdays (1 = Monday … 7 = Sunday) open from `open` to `close`. */
const weeklyHours = z
  .object({
    days: z.array(z.number().int().min(1).max(7)).min(1),
    open: clockTime,
    close: clockTime,
  })
  .strict()
  .refine((h) => h.open < h.close, { message: 'open must be before close' });
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
  .strict();
export type Target = z.infer<typeof target>;

const targetPair = z
  .object({
    response: target.nullable(),
    resolution: target,
  })
  .strict();
export type TargetPair = z.infer<typeof targetPair>;

const byPriority = <T extends z.ZodTypeAny>(schema: T) =>
  z.object({ critical: schema, high: schema, medium: schema, low: schema }).strict();

const agency = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, { message: 'must be lower-case letters, digits and dashes' }),
    name: z.string().min(1),
    supportHours: weeklyHours.optional(),
  })
  .strict();
export type Agency = z.infer<typeof agency>;

/** A lead time or interval for reminders: minutes or hours, on the target's clock. */
const span = z
  .object({ amount: z.number().positive(), unit: z.enum(['minutes', 'hours']) })
  .strict();
export type Span = z.infer<typeof span>;

/**
 * The reminder ladder for one target: warnings at fractions of the target and/or fixed
 * lead times before the deadline, the breach ping, repeats until someone acts (with a
 * cap), and a second escalation level when the first does not act in time.
 */
const ladder = z
  .object({
    warnAtFractions: z.array(z.number().gt(0).lt(1)).default([]),
    warnBefore: z.array(span).default([]),
    breach: z.boolean().default(true),
    repeatEvery: span.nullable().default(null),
    repeatMax: z.number().int().min(0).default(0),
    escalateAfter: span.nullable().default(null),
  })
  .strict();
export type Ladder = z.infer<typeof ladder>;

/** Who is pinged: Slack users (U…), user groups (S…), and a channel for the message. */
const contacts = z
  .object({
    slackUsers: z.array(z.string().regex(/^[UW][A-Z0-9]+$/, { message: 'must be a Slack user id such as U0123ABCD' })).default([]),
    slackGroups: z.array(z.string().regex(/^S[A-Z0-9]+$/, { message: 'must be a Slack user-group id such as S0123ABCD' })).default([]),
    slackChannel: z.string().regex(/^[CG][A-Z0-9]+$/, { message: 'must be a Slack channel id such as C0123ABCD' }).optional(),
  })
  .strict();
export type Contacts = z.infer<typeof contacts>;

const escalationLevels = z.object({ level1: contacts.default({ slackUsers: [], slackGroups: [] }), level2: contacts.default({ slackUsers: [], slackGroups: [] }) }).strict();
export type EscalationLevels = z.infer<typeof escalationLevels>;

const priorityName = z.enum(PRIORITIES);
const matrixRow = z.tuple([priorityName, priorityName, priorityName, priorityName]);

export const contractSchema = z
  .object({
    timezone: z.string(),
    /** Opening hours of the service (4.1.1). */
    openingHours: weeklyHours,
    /** Support hours (4.2.1); an agency may have its own. */
    supportHours: weeklyHours,
    agencies: z
      .array(agency)
      .min(1)
      
      .refine((list) => new Set(list.map((a) => a.id)).size === list.length, {
        message: 'agency ids must be unique',
      }),
    /** Agency used when none is named. */
    defaultAgency: z.string(),
    holidays: z
      .object({
        country: z.string(),
        /** date-holidays types that close the day ("public" = röda dagar). */
        closedTypes: z.array(z.string()),
        /** Further named days closed all day (date-holidays' Swedish names). */
        closedNames: z.array(z.string()),
        halfDays: z
          .object({
            enabled: z.boolean(),
            names: z.array(z.string()),
            closeAt: clockTime,
          })
          .strict()
          ,
        /** Local exceptions: extra closed dates and dates open despite a holiday. */
        extraClosed: z.array(isoDate),
        extraOpen: z.array(isoDate),
      })
      .strict()
      ,
    /**
     * Priority matrix (4.3): rows are Tidpunkt 1–4, columns Påverkan 1–4.
     */
    priorityMatrix: z
      .tuple([matrixRow, matrixRow, matrixRow, matrixRow])
      ,
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
        lowSeason: z
          .array(z.object({ from: monthDay, to: monthDay, label: z.string().optional() }).strict())
          ,
        lowSeasonWins: z.boolean(),
      })
      .strict()
      ,
    /** Incident targets (4.3.1). */
    incidentTargets: byPriority(targetPair),
    /** Problem targets (4.5.1); "6 dagar" is read as calendar days. */
    problemTargets: byPriority(targetPair),
    /** Order targets (4.4.1): no response target. */
    orderTargets: z
      .object({ connection: targetPair, question: targetPair })
      .strict()
      ,
    /** Share of cases that must meet their targets (4.3.1, 4.4.1, 4.5.1). */
    goals: z
      .object({
        incidents: z.number().min(0).max(1),
        orders: z.number().min(0).max(1),
        problems: z.number().min(0).max(1),
      })
      .strict()
      ,
    /** Notice periods (4.6.4, 4.1.2). */
    notice: z
      .object({
        plannedChangeWeeks: z.number().int().min(0),
        extraOpeningRequestWeeks: z.number().int().min(0),
        decisionMeeting: z
          .object({ weekday: z.number().int().min(1).max(7), time: clockTime, materialBy: clockTime })
          .strict()
          ,
      })
      .strict()
      ,
    /** Availability and reliability (4.9.1), quality (4.10.1). */
    availability: z
      .object({
        minShare: z.number().min(0).max(1),
        maxDowntimeHoursPerYear: z.number().min(0),
        maxUnplannedOutagesPerMonth: z.number().int().min(0),
        maxUnplannedOutagesPerYear: z.number().int().min(0),
        minAnsweredShare: z.number().min(0).max(1),
      })
      .strict()
      ,
    /** Monthly report day (5). */
    reportDay: z.number().int().min(1).max(28),
    /** Reminders before a deadline breaks, the breach ping and repeats (per priority and target). */
    reminders: z
      .object({
        incidents: byPriority(z.object({ response: ladder, resolution: ladder }).strict()),
        /** A reminder due outside support hours of a support-clock target waits for the next opening. */
        holdOutsideSupportHours: z.boolean(),
        /** Snooze choices offered with a reminder, in minutes. */
        snoozeMinutes: z.array(z.number().int().positive()).min(1).max(4),
      })
      .strict(),
    /**
     * Escalation contacts (6): a default, overridden per agency and per priority.
     * Level 1 is pinged on a breach; level 2 when level 1 has not acted in time.
     */
    escalation: z
      .object({
        default: escalationLevels,
        agencies: z.record(z.string(), z.object({ default: escalationLevels.optional(), critical: escalationLevels.optional(), high: escalationLevels.optional(), medium: escalationLevels.optional(), low: escalationLevels.optional() }).strict()),
      })
      .strict(),
    /** The information routine (4.1.2, 4.6, 6): releases, announcement ladder, disturbance notices; see routine.ts. */
    routine: routineSchema.prefault({}),
  })
  .strict()
  .superRefine((c, ctx) => {
    if (!c.agencies.some((a) => a.id === c.defaultAgency)) {
      ctx.addIssue({ code: 'custom', path: ['defaultAgency'], message: `names no agency in "agencies" (${c.agencies.map((a) => a.id).join(', ')})` });
    }
    for (const id of Object.keys(c.escalation.agencies)) {
      if (!c.agencies.some((a) => a.id === id)) ctx.addIssue({ code: 'custom', path: ['escalation', 'agencies', id], message: 'names no agency in "agencies"' });
    }
    const { startDay, daysBefore } = c.criticalPeriod;
    if (daysBefore >= startDay) {
      ctx.addIssue({ code: 'custom', path: ['criticalPeriod', 'daysBefore'], message: `must be less than startDay (${startDay})` });
    }
  });

export type ContractInput = z.input<typeof contractSchema>;
export type Contract = z.infer<typeof contractSchema> & { readonly version: string };
