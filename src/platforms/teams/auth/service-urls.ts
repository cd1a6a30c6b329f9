// Which Bot Framework service URLs the bot trusts: the inbound check (the activity's
// `serviceUrl` must be on the list before its token is even looked at) and the outbound
// one (the bot sends its bearer token only to a listed host).
//
// Patterns (TEAMS_SERVICE_URL_HOSTS, comma-separated):
//   host                    exactly that host, on the scheme's default port
//   host:port               exactly that host and port
//   *.host[:port]           any subdomain of host (one or more labels), never host itself
// Plain http and loopback hosts are accepted only outside production, and then with a
// warning for the caller to log. Everything here is pure: no I/O, no clock.

/** Public cloud (commercial) Teams connector hosts: `https://smba.trafficmanager.net/<region>/`. */
export const PUBLIC_CLOUD_SERVICE_URL_HOSTS: readonly string[] = Object.freeze(['smba.trafficmanager.net', '*.smba.trafficmanager.net']);

/** Known sovereign-cloud connector hosts, for documentation and TEAMS_SERVICE_URL_HOSTS. */
export const SOVEREIGN_SERVICE_URL_HOSTS = Object.freeze({
  gcc: 'smba.infra.gcc.teams.microsoft.com',
  gccHigh: 'smba.infra.gov.teams.microsoft.us',
  dod: 'smba.infra.dod.teams.microsoft.us',
});

export interface HostPattern {
  /** The pattern as written, normalised to lower case. */
  readonly source: string;
  /** `*.` prefix: matches subdomains of `host` only. */
  readonly wildcard: boolean;
  /** Lower-case host name (IPv6 literals in brackets), without the `*.` prefix. */
  readonly host: string;
  /** Port as a string, or undefined for "the scheme's default port". */
  readonly port: string | undefined;
  readonly loopback: boolean;
}

/** A configuration value that cannot be used; the message names the variable. */
export class TeamsConfigError extends Error {
  constructor(
    message: string,
    readonly variable: string,
  ) {
    super(message);
    this.name = 'TeamsConfigError';
  }
}

const LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

export function isLoopbackHost(hostname: string): boolean {
  const h = hostname.toLowerCase().replace(/\.$/, '');
  if (h === 'localhost' || h.endsWith('.localhost')) return true;
  if (h === '[::1]' || h === '::1') return true;
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h);
}

/** Parses one pattern; throws TeamsConfigError naming `variable` when it is malformed. */
export function parseHostPattern(raw: string, variable = 'TEAMS_SERVICE_URL_HOSTS'): HostPattern {
  const source = raw.trim().toLowerCase();
  const bad = (why: string) => new TeamsConfigError(`${variable}: "${raw.trim()}" is not a host pattern (${why}); use host, host:port or *.host`, variable);
  if (source === '') throw bad('empty');
  if (/[/?#@\s]/.test(source) || source.includes('://')) throw bad('a host, not a URL');
  let rest = source;
  const wildcard = rest.startsWith('*.');
  if (wildcard) rest = rest.slice(2);
  if (rest.includes('*')) throw bad('"*." is allowed only at the start');
  let host: string;
  let port: string | undefined;
  if (rest.startsWith('[')) {
    const close = rest.indexOf(']');
    if (close < 0) throw bad('unclosed IPv6 bracket');
    host = rest.slice(0, close + 1);
    const after = rest.slice(close + 1);
    if (after !== '') {
      if (!after.startsWith(':')) throw bad('junk after the IPv6 address');
      port = after.slice(1);
    }
    if (wildcard) throw bad('no wildcard on an IP address');
  } else {
    const colon = rest.lastIndexOf(':');
    if (colon >= 0) {
      host = rest.slice(0, colon);
      port = rest.slice(colon + 1);
    } else {
      host = rest;
    }
    host = host.replace(/\.$/, '');
    const labels = host.split('.');
    if (!labels.every((l) => LABEL.test(l))) throw bad('invalid host name');
    if (wildcard && labels.length < 2) throw bad('a wildcard needs at least two labels after "*."');
  }
  if (port !== undefined) {
    if (!/^\d{1,5}$/.test(port) || Number(port) < 1 || Number(port) > 65535) throw bad('invalid port');
    port = String(Number(port));
  }
  return { source, wildcard, host, port, loopback: isLoopbackHost(host) };
}

export type ServiceUrlCheck = { ok: true; url: URL } | { ok: false; reason: string };

export interface AllowListOptions {
  /** Production refuses http: URLs and loopback hosts. */
  production: boolean;
}

/** An allow-list of service URL hosts. Build it with `createServiceUrlAllowList`. */
export class ServiceUrlAllowList {
  readonly patterns: readonly HostPattern[];
  readonly production: boolean;

  constructor(patterns: readonly HostPattern[], options: AllowListOptions) {
    this.patterns = Object.freeze([...patterns]);
    this.production = options.production;
  }

  /** Whether `serviceUrl` may be trusted (inbound) or sent our token (outbound). */
  check(serviceUrl: unknown): ServiceUrlCheck {
    if (typeof serviceUrl !== 'string' || serviceUrl === '') return { ok: false, reason: 'serviceUrl missing' };
    if (serviceUrl.length > 2048) return { ok: false, reason: 'serviceUrl too long' };
    let url: URL;
    try {
      url = new URL(serviceUrl);
    } catch {
      return { ok: false, reason: 'serviceUrl is not a URL' };
    }
    if (url.protocol !== 'https:' && !(url.protocol === 'http:' && !this.production)) {
      return { ok: false, reason: `serviceUrl scheme ${url.protocol} not allowed` };
    }
    if (url.username !== '' || url.password !== '') return { ok: false, reason: 'serviceUrl carries credentials' };
    if (!this.allowsHost(url.hostname, url.port)) return { ok: false, reason: `serviceUrl host ${url.host} not on the allow-list` };
    return { ok: true, url };
  }

  allows(serviceUrl: unknown): boolean {
    return this.check(serviceUrl).ok;
  }

  /** `hostname` as URL gives it (lower case, IPv6 in brackets); `port` '' = default port. */
  allowsHost(hostname: string, port: string): boolean {
    const host = hostname.toLowerCase().replace(/\.$/, '');
    if (this.production && isLoopbackHost(host)) return false;
    const effectivePort = port === '' ? undefined : port;
    return this.patterns.some((p) => {
      if (p.port !== effectivePort) return false;
      if (p.wildcard) return host.length > p.host.length + 1 && host.endsWith(`.${p.host}`);
      return host === p.host;
    });
  }
}

export interface AllowListResult {
  allowList: ServiceUrlAllowList;
  /** Lines for the caller to log at warn level (loopback hosts outside production). */
  warnings: string[];
}

/**
 * Builds the allow-list from TEAMS_SERVICE_URL_HOSTS (comma-separated, or an array).
 * Unset or empty → the public cloud's hosts. Loopback patterns: a warning outside
 * production, a TeamsConfigError in production.
 */
export function createServiceUrlAllowList(value: string | readonly string[] | undefined, options: AllowListOptions): AllowListResult {
  const variable = 'TEAMS_SERVICE_URL_HOSTS';
  const raw = value === undefined ? [] : typeof value === 'string' ? value.split(',') : [...value];
  const items = raw.map((s) => s.trim()).filter((s) => s !== '');
  const patterns = (items.length === 0 ? PUBLIC_CLOUD_SERVICE_URL_HOSTS : items).map((s) => parseHostPattern(s, variable));
  const warnings: string[] = [];
  const loopback = patterns.filter((p) => p.loopback);
  if (loopback.length > 0) {
    const list = loopback.map((p) => p.source).join(', ');
    if (options.production) throw new TeamsConfigError(`${variable}: loopback host ${list} is not allowed when NODE_ENV=production`, variable);
    warnings.push(`${variable} allows loopback host ${list} (accepted because NODE_ENV is not production; plain http service URLs are accepted too)`);
  }
  return { allowList: new ServiceUrlAllowList(patterns, options), warnings };
}

export interface EndpointUrlResult {
  url: URL;
  warning?: string;
}

/**
 * Validates a configured endpoint (TEAMS_JWKS_URL, TEAMS_TOKEN_URL, TEAMS_SERVICE_URL):
 * an absolute https URL without credentials; http: or a loopback host only outside
 * production, and then with a warning.
 */
export function checkEndpointUrl(variable: string, value: string, options: AllowListOptions): EndpointUrlResult {
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    throw new TeamsConfigError(`${variable}: "${value}" is not an absolute URL`, variable);
  }
  if (url.username !== '' || url.password !== '') throw new TeamsConfigError(`${variable}: the URL must not carry credentials`, variable);
  const insecure = url.protocol === 'http:';
  if (url.protocol !== 'https:' && !insecure) throw new TeamsConfigError(`${variable}: only https URLs are allowed (got ${url.protocol})`, variable);
  const loopback = isLoopbackHost(url.hostname);
  if (options.production && (insecure || loopback)) {
    throw new TeamsConfigError(`${variable}: ${insecure ? 'plain http' : 'a loopback host'} is not allowed when NODE_ENV=production`, variable);
  }
  if (insecure || loopback) {
    return { url, warning: `${variable} points at ${url.origin} (${insecure ? 'plain http' : 'loopback'}; accepted because NODE_ENV is not production)` };
  }
  return { url };
}
