// The information routine as configuration ("Rutin för Informationsspridning SSBTEK",
// UC 4.1.2, 4.6, 6): the common release dates, the announcement ladder for service
// windows and the disturbance notices at serious incidents.
//
// The contract's own numbers are NOT repeated here: the notice for a planned change
// (4 weeks, 4.6.4), the decision meeting for extra opening hours (Thursday 13:00,
// material by 09:00) and its request notice (2 weeks, 4.1.2) live in `notice`
// (contract.ts, seed.ts). `routineRules(contract)` joins both into what the pure rules
// in src/domain/windows.ts, announcements.ts and extra-hours.ts read.
//
// Every field has a default (the values below, which are the bot's reading of the
// routine), so a configuration file only names what differs.
import { z } from 'zod';
import type { Contract, Priority } from './contract.js';

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, { message: 'must be a date as YYYY-MM-DD' });

/**
 * A common release (4.6.1 "releaser, som sker vid fastställda tidpunkter"): one local
 * date, or a range of local dates (both included). A window declared a release must
 * start on one of them when any are configured.
 */
const release = z.union([
  isoDate,
  z
    .object({ from: isoDate, to: isoDate, label: z.string().optional() })
    .strict()
    .refine((r) => r.from <= r.to, { message: 'from must not be after to' }),
]);
export type ReleaseDates = z.infer<typeof release>;

export const LADDER_UNITS = ['weeks', 'days', 'workingDays', 'hours', 'minutes'] as const;
export type LadderUnit = (typeof LADDER_UNITS)[number];

/**
 * One step of the announcement ladder:
 * - `published`: when the window is published (or changed);
 * - `before`: a lead time before the start. Weeks and days keep the local wall time
 *   across a DST change; hours and minutes are elapsed time; working days are that many
 *   support-day lengths back on the support clock (so the step lands inside support
 *   hours, e.g. Friday 08:00 for a window on Saturday night);
 * - `start` and `end` of the window.
 */
const ladderStep = z.discriminatedUnion('at', [
  z.object({ at: z.literal('published') }).strict(),
  z.object({ at: z.literal('before'), amount: z.number().int().positive().max(520), unit: z.enum(LADDER_UNITS) }).strict(),
  z.object({ at: z.literal('start') }).strict(),
  z.object({ at: z.literal('end') }).strict(),
]);
export type LadderStep = z.infer<typeof ladderStep>;

/** A stable name for a step ("before-4-weeks"): the key for "each party hears each step once". */
export function stepId(step: LadderStep): string {
  return step.at === 'before' ? `before-${step.amount}-${step.unit}` : step.at;
}

// The priority names again, as data: importing the array from contract.ts would be a
// circular import at module evaluation (contract.ts imports this file). The type check
// below keeps the two lists equal.
const PRIORITY_NAMES = ['critical', 'high', 'medium', 'low'] as const satisfies readonly Priority[];
type _AllPriorities = Priority extends (typeof PRIORITY_NAMES)[number] ? true : never;
const _allPriorities: _AllPriorities = true;
void _allPriorities;

/**
 * A party of the routine (UC 6): an agency, the operator (Driftleverantören) or the
 * contract owner (Avtalsägaren), and where it hears announcements. An agency party's
 * `id` is the agency's id in `agencies`; its name defaults to the agency's.
 */
const party = z
  .object({
    id: z.string().min(1).max(100),
    role: z.enum(['agency', 'operator', 'owner']).default('agency'),
    /** Shown in announcements; an agency's name by default. */
    name: z.string().min(1).max(200).optional(),
    /** The party's language: sv (default) or en. */
    lang: z.enum(['sv', 'en']).default('sv'),
    /** Slack channel ids (C…/G…) the party reads. */
    slack: z.array(z.string().regex(/^[CGD][A-Z0-9]+$/, { message: 'must be a Slack channel id (C…)' })).default([]),
    /** Teams conversation ids ("19:…@thread.tacv2"). */
    teams: z.array(z.string().min(1).max(500)).default([]),
    /** E-mail addresses (the contract's own sanctioned channel besides phone). */
    email: z.array(z.email({ message: 'must be an e-mail address' })).default([]),
  })
  .strict();
export type PartyConfig = z.infer<typeof party>;

/** The routine's defaults: the seed's values for this part of the configuration. */
export const ROUTINE_DEFAULTS = {
  releases: [] as ReleaseDates[],
  announcements: [
    { at: 'published' },
    { at: 'before', amount: 4, unit: 'weeks' },
    { at: 'before', amount: 1, unit: 'weeks' },
    { at: 'before', amount: 1, unit: 'workingDays' },
    { at: 'before', amount: 1, unit: 'hours' },
    { at: 'start' },
    { at: 'end' },
  ] as LadderStep[],
  disturbance: {
    priorities: ['critical', 'high'] as Priority[],
    updateEveryMinutes: 60,
  },
};

export const routineSchema = z
  .object({
    /** Common release dates (4.6.1): windows on them need not meet the 4-week notice. */
    releases: z.array(release).default(() => [...ROUTINE_DEFAULTS.releases]),
    /** The announcement ladder for every service window, in any order. */
    announcements: z
      .array(ladderStep)
      .min(1)
      .default(() => [...ROUTINE_DEFAULTS.announcements])
      .refine((steps) => new Set(steps.map(stepId)).size === steps.length, { message: 'each step may appear only once' }),
    /**
     * The parties and where each hears announcements (default: none configured — then
     * nothing is announced, and `windows` says so).
     */
    parties: z
      .array(party)
      .default(() => [])
      .refine((list) => new Set(list.map((p) => p.id)).size === list.length, { message: 'each party id may appear only once' }),
    /** Who to contact about a window or a disturbance, as shown in every announcement (e.g. the operator's service desk). */
    contact: z.string().max(500).default(''),
    /** Disturbance notices (6): which incident priorities get them, and how often the owner is asked for an update. */
    disturbance: z
      .object({
        priorities: z.array(z.enum(PRIORITY_NAMES)).default(() => [...ROUTINE_DEFAULTS.disturbance.priorities]),
        updateEveryMinutes: z.number().int().positive().default(ROUTINE_DEFAULTS.disturbance.updateEveryMinutes),
      })
      .strict()
      .prefault({}),
  })
  .strict();

export type RoutineConfig = z.infer<typeof routineSchema>;

/** Everything the pure routine rules need, from the contract's `notice` and `routine`. */
export interface RoutineRules {
  readonly zone: string;
  /** Planned changes outside releases: at least this many weeks' notice (4.6.4). */
  readonly noticeWeeks: number;
  readonly releases: readonly ReleaseDates[];
  readonly ladder: readonly LadderStep[];
  readonly extraHours: {
    /** ISO weekday of the decision meeting (4 = Thursday) and its local time. */
    readonly meetingWeekday: number;
    readonly meetingTime: string;
    /** Local time on the meeting day by which the material must be in. */
    readonly materialBy: string;
    /** A request must arrive at least this many weeks before the meeting. */
    readonly requestWeeks: number;
  };
  readonly disturbance: {
    readonly priorities: readonly Priority[];
    readonly updateEveryMinutes: number;
  };
  readonly parties: readonly Party[];
  readonly contact: string;
}

/** A party as the services use it: its name resolved. */
export interface Party {
  readonly id: string;
  readonly role: 'agency' | 'operator' | 'owner';
  readonly name: string;
  readonly lang: 'sv' | 'en';
  readonly slack: readonly string[];
  readonly teams: readonly string[];
  readonly email: readonly string[];
}

/** Where one announcement goes: a destination (job queue) and its channel (a Slack/Teams channel, an address). */
export interface PartyChannel {
  readonly destination: 'routine:slack' | 'routine:teams' | 'email';
  readonly channel: string;
}

/** Every channel of a party, in a stable order. */
export function partyChannels(p: Party): PartyChannel[] {
  return [
    ...p.slack.map((channel) => ({ destination: 'routine:slack' as const, channel })),
    ...p.teams.map((channel) => ({ destination: 'routine:teams' as const, channel })),
    ...p.email.map((channel) => ({ destination: 'email' as const, channel })),
  ];
}

/**
 * The routine's rules of a contract. A contract built without a `routine` part (an
 * older configuration, a hand-made test contract) gets the defaults.
 */
export function routineRules(contract: Contract): RoutineRules {
  const routine: RoutineConfig = (contract as Contract & { routine?: RoutineConfig }).routine ?? routineSchema.parse({});
  return {
    zone: contract.timezone,
    noticeWeeks: contract.notice.plannedChangeWeeks,
    releases: routine.releases,
    ladder: routine.announcements,
    extraHours: {
      meetingWeekday: contract.notice.decisionMeeting.weekday,
      meetingTime: contract.notice.decisionMeeting.time,
      materialBy: contract.notice.decisionMeeting.materialBy,
      requestWeeks: contract.notice.extraOpeningRequestWeeks,
    },
    disturbance: routine.disturbance,
    parties: (routine.parties ?? []).map((p) => ({
      id: p.id,
      role: p.role,
      name: p.name ?? contract.agencies.find((a) => a.id === p.id)?.name ?? p.id,
      lang: p.lang,
      slack: p.slack,
      teams: p.teams,
      email: p.email,
    })),
    contact: routine.contact ?? '',
  };
}

/**
 * Problems with the parties against the contract: an agency party that names no agency.
 * Empty when all is well (the services refuse to start otherwise).
 */
export function partyProblems(contract: Contract): string[] {
  const routine = (contract as Contract & { routine?: RoutineConfig }).routine;
  const known = contract.agencies.map((a) => a.id);
  return (routine?.parties ?? [])
    .filter((p) => p.role === 'agency' && !known.includes(p.id))
    .map((p) => `routine.parties: "${p.id}" is not an agency (known: ${known.join(', ')}); give it role operator or owner, or use an agency id`);
}
