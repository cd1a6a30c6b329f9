// The Microsoft Teams platform: the Teams SDK v2 behind our own verification
// (http-adapter.ts, auth/*), mounted on the bot's one HTTP server at POST /api/messages.
// A thin adapter: activities and card actions become Commands for the conversation
// (handlers.ts), Replies become Adaptive Cards (cards.ts), and the incident card, its
// reply chain and reminders are deliveries of the chat outbox (announcer.ts).
//
//   const settings = readTeamsSettings(process.env, { production });   // undefined: Teams off
//   if (settings) {
//     for (const w of settings.warnings) log.warn(w);
//     const teams = await mountTeams(server, app, settings, { lang: env.SSBTEK_LANG });
//     …  await teams.stop();
//   }
import type { App as TeamsSdkApp } from '@microsoft/teams.apps';
import type { App } from '../../app.js';
import type { PlatformCheck } from '../../http/health.js';
import type { HttpServer } from '../../http/server.js';
import type { Lang } from '../../i18n/index.js';
import { ChatReferenceService } from '../../services/chat-references.js';
import { TeamsAnnouncer } from './announcer.js';
import { createTeamsAppFromSettings, type TeamsSettings } from './config.js';
import { TeamsConversations } from './conversations.js';
import { registerTeamsHandlers } from './handlers.js';
import { MESSAGING_ENDPOINT, type NodeHandler, type TeamsHttpAdapter } from './http-adapter.js';
import { TeamsNames } from './people.js';

export interface TeamsOptions {
  /** Language of channel messages and for people whose Teams locale is not supported (SSBTEK_LANG). Default 'sv'. */
  lang?: Lang;
  /** Timeout on every connector call. Default 10 s. */
  connectorTimeoutMs?: number;
  /** Time between two messages in one conversation. Default 250 ms. */
  paceMs?: number;
}

export interface TeamsHandle {
  /** For POST /api/messages (our verification, then the SDK). */
  handler: NodeHandler;
  sdk: TeamsSdkApp;
  adapter: TeamsHttpAdapter;
  conversations: TeamsConversations;
  announcer: TeamsAnnouncer;
  /** For /readyz: the bot can get its outbound token (the credentials work, the token endpoint answers; cached). */
  check: PlatformCheck;
  /**
   * A proactive message (Markdown text) into a conversation, through its stored reference
   * or TEAMS_SERVICE_URL, on the allow-list only — e.g. the routine's announcements:
   * `app.routine.useTransport('routine:teams', teamsRoutineTransport(teams.sendText))`.
   */
  sendText(conversationId: string, text: string): Promise<void>;
  /** Resolves when the deliveries due so far (cards, reply-chain lines, reminders) have been sent. */
  idle(): Promise<void>;
  stop(): Promise<void>;
}

/** Builds the Teams platform on the bot (no port of its own): the SDK, the handlers, the outbox destination. */
export async function startTeams(app: App, settings: TeamsSettings, options: TeamsOptions = {}): Promise<TeamsHandle> {
  const lang = options.lang ?? 'sv';
  for (const warning of settings.warnings) app.log.warn(`Teams: ${warning}`);
  const {
    app: sdk,
    adapter,
    handler,
    tokenSource,
  } = await createTeamsAppFromSettings(settings, { log: app.log, connectorTimeoutMs: options.connectorTimeoutMs });
  const refs = new ChatReferenceService(app.database.prisma);
  const conversations = new TeamsConversations({
    prisma: app.database.prisma,
    allowList: settings.allowList,
    defaultServiceUrl: settings.serviceUrl,
    log: app.log,
  });
  const names = new TeamsNames();
  const announcer = new TeamsAnnouncer({
    api: sdk.api,
    prisma: app.database.prisma,
    refs,
    conversations,
    names,
    incidents: app.incidents,
    cases: app.compliance.cases,
    contract: app.contract,
    lang,
    incidentChannel: settings.incidentChannel,
    now: app.now,
    log: app.log,
    paceMs: options.paceMs,
  });
  // The app's conversation (every command, the roles of services/roles.ts — roles.manager.teams
  // by Entra object id — and the command records), with Teams' fault log.
  const conversation = app.conversation.with({ logError: (err, context) => app.log.error(`Teams: fault while handling ${context}`, err) });
  registerTeamsHandlers(sdk, { conversation, refs, conversations, names, announcer, lang, log: app.log });
  // Every process on this store now writes Teams deliveries; this one also delivers them.
  const { outbox, runner, queue } = app.jobs;
  await outbox.register('teams', settings.incidentChannel ? { incidentChannel: settings.incidentChannel } : {}, queue.owner ?? 'teams');
  const unregister = runner.register(announcer);
  runner.wake();
  app.log.info(`Teams: ready on ${MESSAGING_ENDPOINT} (app ${settings.appId})`);
  let stopped = false;
  return {
    handler,
    sdk,
    adapter,
    conversations,
    announcer,
    check: {
      name: 'teams',
      async check() {
        await tokenSource.getToken();
      },
    },
    async sendText(conversationId, text) {
      const ref = await conversations.lookup(conversationId);
      if (!ref) throw new Error("the conversation's service URL is not allowed");
      await sdk.api
        .clone({ serviceUrl: ref.serviceUrl })
        .conversations.createActivity(ref.conversationId, { type: 'message', text, textFormat: 'markdown' } as never);
    },
    idle: () => runner.drain(),
    async stop() {
      if (stopped) return;
      stopped = true;
      // Deliveries in progress finish; what is left stays in the store for any replica.
      await runner.idle();
      unregister();
    },
  };
}

/** startTeams, mounted on the bot's HTTP server at POST /api/messages (the adapter reads and limits the body itself). */
export async function mountTeams(server: HttpServer, app: App, settings: TeamsSettings, options: TeamsOptions = {}): Promise<TeamsHandle> {
  const teams = await startTeams(app, settings, options);
  server.route('POST', MESSAGING_ENDPOINT, (req, res) => teams.handler(req.raw, res), { streamBody: true });
  return teams;
}

export { readTeamsSettings, TeamsConfigError, type TeamsSettings } from './config.js';
export { MESSAGING_ENDPOINT } from './http-adapter.js';
