// The seed's values: the SSBTEK UC template exactly as written (shared/spec), with
// each reading the summary marks made explicit. These are the defaults that a
// configuration file (SSBTEK_CONFIG) overrides part by part.
import { CASE_REMINDERS } from './case-reminders.js';
import type { ContractInput } from './contract.js';

const weekdays = [1, 2, 3, 4, 5];

export const SEED_CONTRACT = {
  timezone: 'Europe/Stockholm',
  openingHours: { days: weekdays, open: '08:00', close: '17:00' },
  supportHours: { days: weekdays, open: '08:00', close: '17:00' },
  agencies: [
    { id: 'forsakringskassan', name: 'Försäkringskassan' },
    { id: 'skatteverket', name: 'Skatteverket' },
    { id: 'csn', name: 'CSN' },
    { id: 'arbetsformedlingen', name: 'Arbetsförmedlingen' },
    { id: 'pensionsmyndigheten', name: 'Pensionsmyndigheten' },
    { id: 'transportstyrelsen', name: 'Transportstyrelsen', supportHours: { days: weekdays, open: '08:00', close: '16:30' } },
    { id: 'a-kassorna', name: 'Arbetslöshetskassorna' },
  ],
  defaultAgency: 'forsakringskassan',
  holidays: {
    country: 'SE',
    closedTypes: ['public'],
    closedNames: ['midsommarafton', 'julafton', 'nyårsafton'],
    halfDays: { enabled: false, names: ['trettondagsafton', 'valborgsmässoafton', 'allhelgonaafton'], closeAt: '12:00' },
    extraClosed: [],
    extraOpen: [],
  },
  // Rows: Tidpunkt 1–4. Columns: Påverkan 1–4.
  priorityMatrix: [
    ['critical', 'high', 'medium', 'low'],
    ['high', 'high', 'medium', 'low'],
    ['medium', 'medium', 'medium', 'low'],
    ['low', 'low', 'low', 'low'],
  ],
  criticalPeriod: {
    startDay: 20,
    daysBefore: 3,
    daysAfterMonthEnd: 3,
    lowSeason: [
      { from: '07-01', to: '07-31', label: 'sommar' },
      { from: '12-24', to: '01-06', label: 'jul och nyår' },
    ],
    lowSeasonWins: true,
  },
  incidentTargets: {
    critical: { response: { amount: 30, unit: 'minutes' }, resolution: { amount: 8, unit: 'hours' } },
    high: { response: { amount: 60, unit: 'minutes' }, resolution: { amount: 2, unit: 'workingDays' } },
    medium: { response: { amount: 8, unit: 'hours' }, resolution: { amount: 5, unit: 'workingDays' } },
    low: { response: { amount: 24, unit: 'hours' }, resolution: { amount: 7, unit: 'workingDays' } },
  },
  problemTargets: {
    critical: { response: { amount: 1, unit: 'workingDays' }, resolution: { amount: 6, unit: 'calendarDays' } },
    high: { response: { amount: 3, unit: 'workingDays' }, resolution: { amount: 15, unit: 'workingDays' } },
    medium: { response: { amount: 4, unit: 'workingDays' }, resolution: { amount: 25, unit: 'workingDays' } },
    low: { response: { amount: 10, unit: 'workingDays' }, resolution: { amount: 60, unit: 'workingDays' } },
  },
  orderTargets: {
    connection: { response: null, resolution: { amount: 5, unit: 'workingDays' } },
    question: { response: null, resolution: { amount: 2, unit: 'workingDays' } },
  },
  goals: { incidents: 0.9, orders: 0.9, problems: 0.9 },
  notice: {
    plannedChangeWeeks: 4,
    extraOpeningRequestWeeks: 2,
    decisionMeeting: { weekday: 4, time: '13:00', materialBy: '09:00' },
  },
  availability: {
    minShare: 0.98,
    maxDowntimeHoursPerYear: 62,
    maxUnplannedOutagesPerMonth: 4,
    maxUnplannedOutagesPerYear: 12,
    minAnsweredShare: 0.98,
  },
  reportDay: 10,
  // Reminder ladders (not in the UC: the bot's defaults, chosen so that the shorter the
  // target, the earlier and more often it speaks).
  reminders: {
    incidents: {
      critical: {
        response: {
          warnAtFractions: [0.5],
          warnBefore: [{ amount: 10, unit: 'minutes' }],
          repeatEvery: { amount: 15, unit: 'minutes' },
          repeatMax: 8,
          escalateAfter: { amount: 30, unit: 'minutes' },
        },
        resolution: {
          warnAtFractions: [0.5, 0.75, 0.9],
          repeatEvery: { amount: 30, unit: 'minutes' },
          repeatMax: 8,
          escalateAfter: { amount: 1, unit: 'hours' },
        },
      },
      high: {
        response: {
          warnAtFractions: [0.5],
          warnBefore: [{ amount: 10, unit: 'minutes' }],
          repeatEvery: { amount: 30, unit: 'minutes' },
          repeatMax: 6,
          escalateAfter: { amount: 1, unit: 'hours' },
        },
        resolution: { warnAtFractions: [0.5, 0.75, 0.9], repeatEvery: { amount: 2, unit: 'hours' }, repeatMax: 4, escalateAfter: { amount: 4, unit: 'hours' } },
      },
      medium: {
        response: {
          warnAtFractions: [0.75],
          warnBefore: [{ amount: 1, unit: 'hours' }],
          repeatEvery: { amount: 2, unit: 'hours' },
          repeatMax: 4,
          escalateAfter: { amount: 4, unit: 'hours' },
        },
        resolution: { warnAtFractions: [0.75, 0.9], repeatEvery: { amount: 9, unit: 'hours' }, repeatMax: 3, escalateAfter: { amount: 9, unit: 'hours' } },
      },
      low: {
        response: { warnAtFractions: [0.9], repeatEvery: { amount: 9, unit: 'hours' }, repeatMax: 2 },
        resolution: { warnAtFractions: [0.9], repeatEvery: { amount: 9, unit: 'hours' }, repeatMax: 2 },
      },
    },
    ...CASE_REMINDERS,
    holdOutsideSupportHours: true,
    snoozeMinutes: [15, 60],
  },
  escalation: {
    default: { level1: {}, level2: {} },
    agencies: {},
  },
} satisfies ContractInput;
