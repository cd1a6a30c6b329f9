// The bot's HTTP server with its operations routes in place: /livez, /readyz and
// /metrics, request metrics on every route. main.ts adds the platforms' endpoints
// (Slack's receiver.mount(server), Teams' /api/messages, webhooks) and listens on PORT.
import { mountHealth, databasePing, type Health, type PlatformCheck } from './health.js';
import { HttpServer, type HttpLogger, type HttpServerOptions } from './server.js';
import { createMetrics, openIncidentsByPriority, poolStatsOf, type Metrics, type MetricsOptions } from '../observability/metrics.js';
import type { Database } from '../store/index.js';

export interface OpsServerOptions {
  database: Database;
  log: HttpLogger;
  /** When the job scheduler last completed a pass (epoch ms); omit when this process runs none. */
  lastPassAt?: () => number | undefined;
  /** SSBTEK_SCHEDULER_POLL_MS. */
  pollIntervalMs?: number;
  /** One reachability check per configured chat platform. */
  platforms?: PlatformCheck[];
  /** Metrics already created (e.g. handed to the services before the server exists); otherwise made here. */
  metrics?: Metrics;
  /** Options for metrics made here (job figures, version …); the store callbacks are filled in. */
  metricsOptions?: MetricsOptions;
  http?: Omit<HttpServerOptions, 'log' | 'onResponse'>;
}

export interface OpsServer {
  server: HttpServer;
  metrics: Metrics;
  health: Health;
}

export function createOpsServer(options: OpsServerOptions): OpsServer {
  const { database } = options;
  const metrics =
    options.metrics ??
    createMetrics({
      openIncidents: openIncidentsByPriority(database.prisma),
      poolStats: poolStatsOf(database),
      ...(options.lastPassAt ? { lastPassAt: options.lastPassAt } : {}),
      ...options.metricsOptions,
    });
  const server = new HttpServer({ ...options.http, log: options.log, onResponse: metrics.httpResponse });
  const health = mountHealth(server, {
    ping: databasePing(database),
    lastPassAt: options.lastPassAt,
    pollIntervalMs: options.pollIntervalMs,
    platforms: options.platforms,
  });
  metrics.mount(server);
  return { server, metrics, health };
}
