// The reminder ladders of orders (4.4.1) and problems (4.5.1), in the seed and as the
// schema's default: a contract snapshot stored before these ladders existed still reads
// (src/config/load.ts contractFromSnapshot), so its incidents keep their own version.
//
// Orders and problems run for days: a warning when most of the time has gone, the
// breach, a repeat each working day (8 support hours) and the second level after two.
export const CASE_REMINDERS = {
  orders: {
    connection: {
      resolution: { warnAtFractions: [0.6], repeatEvery: { amount: 8, unit: 'hours' }, repeatMax: 3, escalateAfter: { amount: 16, unit: 'hours' } },
    },
    question: { resolution: { warnAtFractions: [0.5], repeatEvery: { amount: 8, unit: 'hours' }, repeatMax: 3, escalateAfter: { amount: 16, unit: 'hours' } } },
  },
  problems: {
    critical: {
      response: { warnAtFractions: [0.5], repeatEvery: { amount: 4, unit: 'hours' }, repeatMax: 3, escalateAfter: { amount: 8, unit: 'hours' } },
      // Six calendar days (4.5.1): on the wall clock, so the spans are wall-clock hours.
      resolution: { warnAtFractions: [0.5, 0.8], repeatEvery: { amount: 24, unit: 'hours' }, repeatMax: 3, escalateAfter: { amount: 24, unit: 'hours' } },
    },
    high: {
      response: { warnAtFractions: [0.6], repeatEvery: { amount: 8, unit: 'hours' }, repeatMax: 3, escalateAfter: { amount: 16, unit: 'hours' } },
      resolution: { warnAtFractions: [0.8], repeatEvery: { amount: 8, unit: 'hours' }, repeatMax: 3, escalateAfter: { amount: 16, unit: 'hours' } },
    },
    medium: {
      response: { warnAtFractions: [0.75], repeatEvery: { amount: 8, unit: 'hours' }, repeatMax: 3, escalateAfter: { amount: 16, unit: 'hours' } },
      resolution: { warnAtFractions: [0.8], repeatEvery: { amount: 8, unit: 'hours' }, repeatMax: 3, escalateAfter: { amount: 24, unit: 'hours' } },
    },
    low: {
      response: { warnAtFractions: [0.8], repeatEvery: { amount: 8, unit: 'hours' }, repeatMax: 2 },
      resolution: { warnAtFractions: [0.9], repeatEvery: { amount: 8, unit: 'hours' }, repeatMax: 2 },
    },
  },
} as const;
