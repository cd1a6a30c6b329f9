// Our own OAuth 2.0 client-credentials source for the bot's outbound connector calls.
//
// The Teams SDK's MSAL path cannot be pointed at a local login host (it does instance
// discovery against the real one) and has no timeout of ours (shared/notes/teams.md), so
// the SDK gets this instead through its `token` option: `(scope, tenantId?) => Promise<string>`
// (TokenProviderFn in @microsoft/teams.api 2.1.0). The token must be JWT-shaped: the SDK
// decodes it.
//
// One POST to the token endpoint at a time (concurrent callers share it), a timeout on it,
// and the token cached until shortly before it expires. Failures are not cached.
import { decodeJwt } from 'jose';

export const BOT_FRAMEWORK_SCOPE = 'https://api.botframework.com/.default';

/** The Entra v2 token endpoint for a tenant (single-tenant bots) or botframework.com (legacy multi-tenant). */
export function defaultTokenUrl(tenantId: string | undefined, loginEndpoint = 'https://login.microsoftonline.com'): string {
  return `${loginEndpoint.replace(/\/+$/, '')}/${encodeURIComponent(tenantId || 'botframework.com')}/oauth2/v2.0/token`;
}

export type TokenFetch = (
  input: string,
  init: { method: 'POST'; headers: Record<string, string>; body: string; signal: AbortSignal },
) => Promise<{ ok: boolean; status: number; text(): Promise<string> }>;

export interface ClientCredentialsOptions {
  tokenUrl: string;
  clientId: string;
  clientSecret: string;
  /** Default https://api.botframework.com/.default. */
  scope?: string;
  /** Further scopes the SDK may ask for (each cached separately). */
  extraScopes?: readonly string[];
  /** Per request. Default 5000 ms. */
  timeoutMs?: number;
  /** Renew this long before expiry. Default 5 min (never more than half the lifetime). */
  refreshMarginMs?: number;
  fetch?: TokenFetch;
  /** Epoch milliseconds. */
  now?: () => number;
}

export class TokenSourceError extends Error {
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'TokenSourceError';
  }
}

export interface TokenSource {
  /** A valid access token (JWT string) for `scope` (default the configured one). */
  getToken(scope?: string): Promise<string>;
  /** The Teams SDK's `token` option: `(scope, tenantId?) => Promise<string>`. */
  readonly provider: (scope: string | string[], tenantId?: string) => Promise<string>;
  /** Forget cached tokens (e.g. after the connector answered 401). */
  invalidate(): void;
  readonly stats: { readonly requests: number; readonly failures: number };
}

type Cached = { token: string; renewAt: number; expiresAt: number };

export function createClientCredentialsTokenSource(options: ClientCredentialsOptions): TokenSource {
  const scope = options.scope ?? BOT_FRAMEWORK_SCOPE;
  const allowed = new Set([scope, ...(options.extraScopes ?? [])]);
  const timeoutMs = options.timeoutMs ?? 5000;
  const margin = options.refreshMarginMs ?? 5 * 60 * 1000;
  const now = options.now ?? Date.now;
  const doFetch: TokenFetch = options.fetch ?? ((url, init) => fetch(url, init));
  if (!options.tokenUrl || !options.clientId || !options.clientSecret) {
    throw new TokenSourceError('token source needs tokenUrl, clientId and clientSecret');
  }
  const cache = new Map<string, Cached>();
  const inFlight = new Map<string, Promise<string>>();
  const stats = { requests: 0, failures: 0 };

  async function request(forScope: string): Promise<string> {
    stats.requests++;
    const controller = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        controller.abort();
        reject(new TokenSourceError(`token endpoint did not answer within ${timeoutMs} ms`));
      }, timeoutMs);
      timer.unref?.();
    });
    const startedAt = now();
    try {
      const { status, text } = await Promise.race([
        (async () => {
          const res = await doFetch(options.tokenUrl, {
            method: 'POST',
            headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
            body: new URLSearchParams({
              grant_type: 'client_credentials',
              client_id: options.clientId,
              client_secret: options.clientSecret,
              scope: forScope,
            }).toString(),
            signal: controller.signal,
          });
          return { status: res.status, text: await res.text() };
        })(),
        timeout,
      ]);
      let body: Record<string, unknown>;
      try {
        body = JSON.parse(text) as Record<string, unknown>;
      } catch {
        throw new TokenSourceError(`token endpoint answered ${status} with a body that is not JSON`, status);
      }
      if (status < 200 || status >= 300) {
        // The error code, never the body (it may echo the client id or a correlation id only, but keep it short).
        const code = typeof body.error === 'string' ? body.error : 'unknown_error';
        throw new TokenSourceError(`token endpoint answered ${status} (${code})`, status);
      }
      const token = body.access_token;
      if (typeof token !== 'string' || token === '') throw new TokenSourceError('token endpoint answer has no access_token', status);
      let exp: number | undefined;
      try {
        exp = decodeJwt(token).exp;
      } catch {
        throw new TokenSourceError('access_token is not a JWT (the Teams SDK needs one)', status);
      }
      const expiresIn = Number(body.expires_in);
      const candidates: number[] = [];
      if (Number.isFinite(expiresIn) && expiresIn > 0) candidates.push(startedAt + expiresIn * 1000);
      if (typeof exp === 'number' && Number.isFinite(exp)) candidates.push(exp * 1000);
      if (candidates.length === 0) throw new TokenSourceError('token answer says nothing about expiry (no expires_in, no exp)', status);
      const expiresAt = Math.min(...candidates);
      const lifetime = expiresAt - startedAt;
      if (lifetime <= 0) throw new TokenSourceError('token endpoint handed out an expired token', status);
      const renewAt = expiresAt - Math.min(margin, lifetime / 2);
      cache.set(forScope, { token, renewAt, expiresAt });
      return token;
    } catch (err) {
      stats.failures++;
      if (err instanceof TokenSourceError) throw err;
      throw new TokenSourceError(`token request failed: ${(err as Error)?.message ?? String(err)}`);
    } finally {
      clearTimeout(timer);
    }
  }

  async function getToken(forScope: string = scope): Promise<string> {
    if (!allowed.has(forScope)) throw new TokenSourceError(`scope ${forScope} is not configured for this bot`);
    const hit = cache.get(forScope);
    if (hit && now() < hit.renewAt) return hit.token;
    let pending = inFlight.get(forScope);
    if (!pending) {
      pending = request(forScope).finally(() => inFlight.delete(forScope));
      inFlight.set(forScope, pending);
    }
    if (!hit) return pending;
    // In the renewal window the old token is still valid: use it if the renewal fails.
    return pending.catch((err) => {
      if (now() < hit.expiresAt) return hit.token;
      throw err;
    });
  }

  const provider = (requested: string | string[], _tenantId?: string): Promise<string> => {
    const s = Array.isArray(requested) ? requested[0] : requested;
    return getToken(s || scope);
  };

  return {
    getToken,
    provider,
    invalidate: () => cache.clear(),
    get stats() {
      return { ...stats };
    },
  };
}
