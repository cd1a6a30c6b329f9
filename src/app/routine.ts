// The information routine assembled (UC 4.1.2, 4.6, 6): the announcer, the services for
// windows, extra opening hours and disturbance notices, the commands, and the delivery
// handlers the job runner calls — `routine` (a window's start and end, the reminders to
// post an update), `email` (SMTP) and `routine:slack` / `routine:teams` (chat channels).
//
// app.ts builds one per process; a process delivers what it has a handler for, and
// every process writes the jobs for every destination (from configuration, not from
// "is the platform running here").
import type { Contract } from '../config/contract.js';
import { partyProblems, routineRules, type RoutineRules } from '../config/routine.js';
import { RoutineCommands } from '../conversation/routine.js';
import type { BusinessCalendar } from '../domain/calendar.js';
import type { ClaimedJob, JobQueue } from '../jobs/queue.js';
import { errorCode, type DeliveryContext, type DeliveryHandler, type JobRunner } from '../jobs/runner.js';
import { SmtpTransport, smtpOptionsFromEnv, type SmtpOptions } from '../platforms/email/smtp.js';
import type { PrismaClient } from '../store/index.js';
import { AnnouncementHandler, Announcer, type AnnouncementTransport } from '../services/announcements.js';
import { SlackRoutineTransport, slackRoutineOptionsFromEnv, type SlackRoutineOptions } from './routine-chat.js';
import type { Actor } from '../services/incidents.js';
import { ExtraHoursService } from '../services/extra-hours.js';
import { NOTICE_REMIND_JOB, NoticeService } from '../services/notices.js';
import { renderAnnouncement } from '../services/routine-messages.js';
import { INTERNAL_DESTINATION, WINDOW_END_JOB, WINDOW_START_JOB, WindowService } from '../services/windows.js';

export interface RoutineDeps {
  prisma: PrismaClient;
  contract: Contract;
  calendar: BusinessCalendar;
  queue: JobQueue;
  runner: JobRunner;
  now: () => number;
  log: { warn(msg: string): void; error(msg: string, err?: unknown): void };
  /** Whether an actor holds the manager role (deciding extra hours, changing another's window); default: everyone may. */
  isManager?: (actor: Actor) => Promise<boolean>;
  /** SMTP settings; default from SMTP_URL / SMTP_FROM (none: no e-mail is sent from this process, it is still queued). */
  smtp?: SmtpOptions | null;
  /** Slack for announcements in the parties' channels; default from SLACK_BOT_TOKEN / SLACK_API_URL (none: queued, not sent from here). */
  slack?: SlackRoutineOptions | null;
  /** Time between two routine messages in one Slack channel (SSBTEK_CHANNEL_PACE_MS); default 1 s. */
  slackPaceMs?: number;
}

export interface Routine {
  rules: RoutineRules;
  announcer: Announcer;
  windows: WindowService;
  extraHours: ExtraHoursService;
  notices: NoticeService;
  commands: RoutineCommands;
  /** Registers a transport for a destination ('email', 'routine:slack', 'routine:teams'); returns the unregister. */
  useTransport(destination: 'email' | 'routine:slack' | 'routine:teams', transport: AnnouncementTransport, paceMs?: number): () => void;
  /** Adds a listener told after each committed change made through the commands (windows, extra hours, notices). */
  onChanged(listener: () => void): void;
  /** Feeds approved extra hours into the calendar (at start; decisions made here do it themselves). */
  start(): Promise<void>;
  close(): void;
}

export function createRoutine(deps: RoutineDeps): Routine {
  const problems = partyProblems(deps.contract);
  if (problems.length) throw new Error(`The information routine's configuration is invalid:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  const rules = routineRules(deps.contract);
  const announcer = new Announcer(deps.queue, rules);
  const windows = new WindowService({ prisma: deps.prisma, contract: deps.contract, calendar: deps.calendar, rules, queue: deps.queue, announcer });
  const extraHours = new ExtraHoursService({ prisma: deps.prisma, calendar: deps.calendar, rules, announcer });
  const notices = new NoticeService({ prisma: deps.prisma, contract: deps.contract, rules, queue: deps.queue, announcer });
  // Told after every committed change a command made (the status page refreshes on it).
  const changeListeners: Array<() => void> = [];
  const changed = () => {
    for (const listener of changeListeners) {
      try {
        listener();
      } catch (err) {
        deps.log.error('routine: a change listener failed', err);
      }
    }
  };
  const commands = new RoutineCommands({
    windows,
    extraHours,
    notices,
    contract: deps.contract,
    calendar: deps.calendar,
    rules,
    afterChange: () => {
      deps.runner.wake();
      changed();
    },
    isManager: deps.isManager,
  });
  const zone = deps.contract.timezone;
  const render = (payload: Parameters<typeof renderAnnouncement>[0]) => renderAnnouncement(payload, zone);
  const closers: Array<() => void> = [];

  const internal: DeliveryHandler = {
    destination: INTERNAL_DESTINATION,
    paceMs: 0,
    async deliver(jobs: ClaimedJob[], ctx: DeliveryContext) {
      for (const job of jobs) {
        if (ctx.stopped) return;
        if (!(await ctx.beforeSend([job.id])).has(job.id)) continue;
        try {
          const now = deps.now();
          const outcome =
            job.kind === WINDOW_START_JOB || job.kind === WINDOW_END_JOB
              ? await windows.onInternalJob(job, now)
              : job.kind === NOTICE_REMIND_JOB
                ? await notices.onInternalJob(job, now)
                : 'dropped';
          if (outcome === 'done') await ctx.complete(job);
          else await ctx.drop(job, 'no longer relevant');
        } catch (err) {
          deps.log.error(`routine: job ${job.id} (${job.kind}) failed`, err);
          await ctx.fail(job, { code: errorCode(err) });
        }
      }
    },
  };
  closers.push(deps.runner.register(internal));
  // Decisions on extra hours made by another process reach this one's calendar on the runner's next pass.
  deps.runner.addSource({ name: 'routine-extra-hours', run: () => extraHours.loadIntoCalendar().then(() => undefined), nextDueAt: async () => null });

  const useTransport: Routine['useTransport'] = (destination, transport, paceMs = 0) =>
    deps.runner.register(new AnnouncementHandler(destination, deps.prisma, transport, render, paceMs, deps.now));

  const smtp = deps.smtp === undefined ? smtpOptionsFromEnv() : deps.smtp;
  if (smtp) {
    const transport = new SmtpTransport(smtp);
    closers.push(useTransport('email', transport), () => transport.close());
  }

  const slack = deps.slack === undefined ? slackRoutineOptionsFromEnv() : deps.slack;
  if (slack) closers.push(useTransport('routine:slack', new SlackRoutineTransport(slack), deps.slackPaceMs ?? 1_000));

  return {
    rules,
    announcer,
    windows,
    extraHours,
    notices,
    commands,
    useTransport,
    onChanged(listener) {
      changeListeners.push(listener);
    },
    async start() {
      await extraHours.loadIntoCalendar();
    },
    close() {
      for (const c of closers.splice(0)) c();
    },
  };
}
