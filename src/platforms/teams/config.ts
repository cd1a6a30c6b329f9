// The Teams settings from the environment, checked once at start, and the security parts
// built from them. Missing or half-set settings are one TeamsConfigError whose message is
// the line to print before exiting with status 2.
//
//   const teams = readTeamsSettings(process.env, { production: process.env.NODE_ENV === 'production' });
//   if (teams) {
//     for (const w of teams.warnings) log.warn(w);
//     const { app, handler } = await createTeamsAppFromSettings(teams, { log });
//     server.route('POST', '/api/messages', handler);
//   }
import { PUBLIC_BOT_FRAMEWORK_JWKS_URL, createBotFrameworkVerifier, type BotFrameworkVerifier } from './auth/verify.js';
import { checkEndpointUrl, createServiceUrlAllowList, TeamsConfigError, type ServiceUrlAllowList } from './auth/service-urls.js';
import { createClientCredentialsTokenSource, defaultTokenUrl, type TokenSource } from './auth/token-source.js';
import { createTeamsApp, type TeamsAppHandle, type TeamsLogger } from './http-adapter.js';

export { TeamsConfigError } from './auth/service-urls.js';

/** Default service URL for proactive posts to a conversation the bot has not heard from yet. */
export const DEFAULT_TEAMS_SERVICE_URL = 'https://smba.trafficmanager.net/teams/';

export const TEAMS_ENV_VARIABLES = [
  'TEAMS_APP_ID',
  'TEAMS_APP_PASSWORD',
  'TEAMS_TENANT_ID',
  'TEAMS_INCIDENT_CHANNEL',
  'TEAMS_SERVICE_URL',
  'TEAMS_JWKS_URL',
  'TEAMS_TOKEN_URL',
  'TEAMS_SERVICE_URL_HOSTS',
] as const;

export interface TeamsSettings {
  appId: string;
  appPassword: string;
  tenantId: string | undefined;
  /** A conversation id; undefined = where the command came from. */
  incidentChannel: string | undefined;
  serviceUrl: string;
  jwksUrl: string;
  tokenUrl: string;
  allowList: ServiceUrlAllowList;
  production: boolean;
  /** Lines to log at warn level (plain http / loopback accepted outside production). */
  warnings: string[];
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DOMAIN = /^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i;

/**
 * Undefined when Teams is not configured at all (no TEAMS_* variable set).
 * Throws TeamsConfigError (one line) when it is configured only in part or wrongly.
 */
export function readTeamsSettings(env: Record<string, string | undefined>, options: { production: boolean }): TeamsSettings | undefined {
  const get = (name: (typeof TEAMS_ENV_VARIABLES)[number]) => {
    const v = env[name]?.trim();
    return v === undefined || v === '' ? undefined : v;
  };
  const present = TEAMS_ENV_VARIABLES.filter((n) => get(n) !== undefined);
  if (present.length === 0) return undefined;

  const appId = get('TEAMS_APP_ID');
  const appPassword = get('TEAMS_APP_PASSWORD');
  if (!appId || !appPassword) {
    const missing = [!appId && 'TEAMS_APP_ID', !appPassword && 'TEAMS_APP_PASSWORD'].filter(Boolean).join(' and ');
    throw new TeamsConfigError(
      `Teams is half configured: ${present.join(', ')} set but ${missing} missing (set both, or unset every TEAMS_ variable)`,
      missing.split(' ')[0]!,
    );
  }
  if (!GUID.test(appId)) throw new TeamsConfigError("TEAMS_APP_ID must be the bot's Microsoft App ID (a GUID)", 'TEAMS_APP_ID');
  const tenantId = get('TEAMS_TENANT_ID');
  if (tenantId !== undefined && !GUID.test(tenantId) && !DOMAIN.test(tenantId)) {
    throw new TeamsConfigError('TEAMS_TENANT_ID must be the Entra tenant id (a GUID) or its domain', 'TEAMS_TENANT_ID');
  }

  const production = options.production;
  const warnings: string[] = [];
  const { allowList, warnings: hostWarnings } = createServiceUrlAllowList(get('TEAMS_SERVICE_URL_HOSTS'), { production });
  warnings.push(...hostWarnings);

  const endpoint = (name: 'TEAMS_JWKS_URL' | 'TEAMS_TOKEN_URL' | 'TEAMS_SERVICE_URL', fallback: string) => {
    const value = get(name);
    if (value === undefined) return fallback;
    const checked = checkEndpointUrl(name, value, { production });
    if (checked.warning) warnings.push(checked.warning);
    return checked.url.href;
  };
  const jwksUrl = endpoint('TEAMS_JWKS_URL', PUBLIC_BOT_FRAMEWORK_JWKS_URL);
  const tokenUrl = endpoint('TEAMS_TOKEN_URL', defaultTokenUrl(tenantId));
  const serviceUrl = endpoint('TEAMS_SERVICE_URL', DEFAULT_TEAMS_SERVICE_URL);
  const allowed = allowList.check(serviceUrl);
  if (!allowed.ok) throw new TeamsConfigError(`TEAMS_SERVICE_URL is not covered by TEAMS_SERVICE_URL_HOSTS: ${allowed.reason}`, 'TEAMS_SERVICE_URL');

  return {
    appId,
    appPassword,
    tenantId,
    incidentChannel: get('TEAMS_INCIDENT_CHANNEL'),
    serviceUrl,
    jwksUrl,
    tokenUrl,
    allowList,
    production,
    warnings,
  };
}

export interface TeamsSecurity {
  verifier: BotFrameworkVerifier;
  tokenSource: TokenSource;
  allowList: ServiceUrlAllowList;
}

export function createTeamsSecurity(settings: TeamsSettings): TeamsSecurity {
  return {
    verifier: createBotFrameworkVerifier({ appId: settings.appId, jwksUrl: settings.jwksUrl, serviceUrlHosts: settings.allowList }),
    tokenSource: createClientCredentialsTokenSource({ tokenUrl: settings.tokenUrl, clientId: settings.appId, clientSecret: settings.appPassword }),
    allowList: settings.allowList,
  };
}

/** The SDK App behind our adapter, wired from the settings. */
export async function createTeamsAppFromSettings(
  settings: TeamsSettings,
  options: { log?: TeamsLogger; connectorTimeoutMs?: number; stripMentions?: boolean } = {},
): Promise<TeamsAppHandle & TeamsSecurity> {
  const security = createTeamsSecurity(settings);
  const handle = await createTeamsApp({
    appId: settings.appId,
    tenantId: settings.tenantId,
    verifier: security.verifier,
    tokenSource: security.tokenSource,
    serviceUrls: security.allowList,
    serviceUrl: settings.serviceUrl,
    connectorTimeoutMs: options.connectorTimeoutMs,
    stripMentions: options.stripMentions,
    log: options.log,
  });
  return { ...handle, ...security };
}
