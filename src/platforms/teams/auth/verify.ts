// Verifies the bearer token on an incoming Bot Framework activity, in front of the Teams SDK.
//
// Everything that can be decided from the request alone is decided first, with no network
// call (shared/notes/teams.md: the SDK 2.1.0 looks the key up before checking issuer and
// serviceUrl, so every forged token costs it an outbound fetch, and it accepts Entra tokens
// from any tenant without a serviceUrl check):
//   bearer present → JWT shape → alg RS256 → kid present → issuer exactly
//   https://api.botframework.com (Entra issuers refused) → audience = our app id → exp
//   present and not past (nbf not in the future) → `serviceurl` claim equal to the
//   activity's serviceUrl → that URL on the allow-list → activity has a channelId.
// Only then the key: from the JWKS URL (2 s timeout, one fetch shared by concurrent
// requests, 24 h cache, at most one refetch a minute for an unknown kid), endorsed for the
// activity's channelId, and the signature checked by jose.
//
// The result is 401 for anything forged and 503 when the keys cannot be had; the function
// never throws.
import { decodeJwt, decodeProtectedHeader, errors as joseErrors, importJWK, jwtVerify, type CryptoKey, type JWK, type JWTPayload } from 'jose';
import { createServiceUrlAllowList, type ServiceUrlAllowList } from './service-urls.js';

export const BOT_FRAMEWORK_ISSUER = 'https://api.botframework.com';
/** Where the public cloud's Bot Framework signing keys are published. */
export const PUBLIC_BOT_FRAMEWORK_JWKS_URL = 'https://login.botframework.com/v1/.well-known/keys';

export type VerifyRequest = { authorization?: string | string[] | undefined; activity: unknown };
export type VerifyResult = { ok: true; claims: JWTPayload; token: string; kid: string } | { ok: false; status: 401 | 503; reason: string };
export type BotFrameworkVerifier = ((req: VerifyRequest) => Promise<VerifyResult>) & {
  /** How many JWKS fetches were started (for logs, metrics and tests). */
  readonly stats: { readonly jwksFetches: number; readonly jwksFailures: number };
};

export type FetchLike = (
  input: string,
  init: { signal: AbortSignal; headers: Record<string, string> },
) => Promise<{
  ok: boolean;
  status: number;
  text(): Promise<string>;
}>;

export interface BotFrameworkVerifierOptions {
  /** Our Microsoft App ID: the only accepted audience. */
  appId: string;
  /** The JWKS document itself (not the OpenID metadata). */
  jwksUrl: string;
  /** Allow-list, or host patterns (then https only; see service-urls.ts). */
  serviceUrlHosts: ServiceUrlAllowList | readonly string[];
  fetch?: FetchLike;
  /** Epoch milliseconds. */
  now?: () => number;
  /** Defaults: 2 s, 24 h, 60 s. */
  jwksTimeoutMs?: number;
  jwksCacheMs?: number;
  unknownKidRefetchMs?: number;
  /** After a failed JWKS fetch, no new fetch for this long (requests get 503 at once). Default 5 s. */
  jwksFailureBackoffMs?: number;
  /** Clock skew tolerated on exp/nbf, seconds. Default 300 (as the Bot Framework SDKs). */
  clockToleranceSec?: number;
}

const ENTRA_ISSUER = /^https:\/\/(login\.microsoftonline\.(com|us)|login\.chinacloudapi\.cn|sts\.windows\.net|sts\.chinacloudapi\.cn)\//i;
const MAX_TOKEN_LENGTH = 16 * 1024;
const MAX_JWKS_BYTES = 1024 * 1024;

type CachedKey = { jwk: JWK & { endorsements?: unknown }; key?: CryptoKey | Uint8Array };

class JwksUnavailable extends Error {}

export function createBotFrameworkVerifier(options: BotFrameworkVerifierOptions): BotFrameworkVerifier {
  const now = options.now ?? Date.now;
  const doFetch: FetchLike = options.fetch ?? ((url, init) => fetch(url, init));
  const timeoutMs = options.jwksTimeoutMs ?? 2000;
  const cacheMs = options.jwksCacheMs ?? 24 * 60 * 60 * 1000;
  const refetchMs = options.unknownKidRefetchMs ?? 60 * 1000;
  const failureBackoffMs = options.jwksFailureBackoffMs ?? 5000;
  const tolerance = options.clockToleranceSec ?? 300;
  const allowList = Array.isArray(options.serviceUrlHosts)
    ? createServiceUrlAllowList(options.serviceUrlHosts as readonly string[], { production: true }).allowList
    : (options.serviceUrlHosts as ServiceUrlAllowList);
  if (!options.appId) throw new Error('createBotFrameworkVerifier: appId is required');

  // JWKS state.
  let keys: Map<string, CachedKey> | undefined;
  let fetchedAt = Number.NEGATIVE_INFINITY; // last successful fetch
  let attemptedAt = Number.NEGATIVE_INFINITY; // last fetch started
  let lastAttemptFailed = false;
  let inFlight: Promise<void> | undefined;
  const stats = { jwksFetches: 0, jwksFailures: 0 };

  async function fetchJwks(): Promise<void> {
    stats.jwksFetches++;
    attemptedAt = now();
    const controller = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        controller.abort();
        reject(new JwksUnavailable(`JWKS fetch timed out after ${timeoutMs} ms`));
      }, timeoutMs);
      timer.unref?.();
    });
    try {
      const body = await Promise.race([
        (async () => {
          const res = await doFetch(options.jwksUrl, { signal: controller.signal, headers: { accept: 'application/json' } });
          if (!res.ok) throw new JwksUnavailable(`JWKS endpoint answered ${res.status}`);
          return res.text();
        })(),
        timeout,
      ]);
      if (body.length > MAX_JWKS_BYTES) throw new JwksUnavailable('JWKS document too large');
      const doc = JSON.parse(body) as { keys?: unknown };
      if (!doc || !Array.isArray(doc.keys)) throw new JwksUnavailable('JWKS document has no keys array');
      const next = new Map<string, CachedKey>();
      for (const k of doc.keys as Array<Record<string, unknown>>) {
        if (k && typeof k === 'object' && typeof k.kid === 'string' && k.kid !== '') next.set(k.kid, { jwk: k as JWK });
      }
      keys = next;
      fetchedAt = now();
      lastAttemptFailed = false;
    } catch (err) {
      lastAttemptFailed = true;
      stats.jwksFailures++;
      throw err instanceof JwksUnavailable ? err : new JwksUnavailable(`JWKS fetch failed: ${(err as Error)?.message ?? String(err)}`);
    } finally {
      clearTimeout(timer);
    }
  }

  function sharedFetch(): Promise<void> {
    if (!inFlight) {
      inFlight = fetchJwks().finally(() => {
        inFlight = undefined;
      });
    }
    return inFlight;
  }

  /** The key for `kid`, undefined when it is unknown, JwksUnavailable when keys cannot be had. */
  async function lookup(kid: string): Promise<CachedKey | undefined> {
    if (inFlight) await inFlight.catch(() => undefined);
    const t = now();
    const fresh = keys !== undefined && t - fetchedAt < cacheMs;
    const cached = keys?.get(kid);
    if (fresh && cached) return cached;

    let mayFetch: boolean;
    if (fresh) {
      // Unknown kid with a fresh set: Microsoft may have rolled a key; refetch at most once a minute.
      mayFetch = t - attemptedAt >= refetchMs;
    } else {
      mayFetch = !(lastAttemptFailed && t - attemptedAt < failureBackoffMs);
    }
    if (!mayFetch) {
      if (fresh) return undefined;
      if (cached) return cached; // stale but the endpoint is failing: better than nothing
      throw new JwksUnavailable('JWKS endpoint failing recently; not retried yet');
    }
    try {
      await sharedFetch();
    } catch (err) {
      if (cached) return cached;
      if (fresh) return undefined; // the set we have is fresh and does not know this kid
      throw err;
    }
    return keys?.get(kid);
  }

  async function verify(req: VerifyRequest): Promise<VerifyResult> {
    const deny = (reason: string): VerifyResult => ({ ok: false, status: 401, reason });

    // 1. Bearer present.
    const header = Array.isArray(req.authorization) ? req.authorization[0] : req.authorization;
    if (typeof header !== 'string' || header.trim() === '') return deny('no Authorization header');
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!match) return deny('Authorization is not a Bearer token');
    const token = match[1]!;
    if (token.length > MAX_TOKEN_LENGTH) return deny('token too long');

    // 2. JWT shape.
    if (!/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/.test(token)) return deny('not a compact JWT');
    let protectedHeader: ReturnType<typeof decodeProtectedHeader>;
    let payload: JWTPayload;
    try {
      protectedHeader = decodeProtectedHeader(token);
      payload = decodeJwt(token);
    } catch {
      return deny('token header or payload does not decode');
    }

    // 3. Algorithm.
    if (protectedHeader.alg !== 'RS256') return deny(`alg ${String(protectedHeader.alg)} not accepted (RS256 only)`);
    // 4. Key id.
    const kid = protectedHeader.kid;
    if (typeof kid !== 'string' || kid === '' || kid.length > 256) return deny('no kid in the token header');
    // 5. Issuer.
    if (payload.iss !== BOT_FRAMEWORK_ISSUER) {
      if (typeof payload.iss === 'string' && ENTRA_ISSUER.test(payload.iss)) return deny('Entra-issued token refused (only Bot Framework channel tokens)');
      return deny('issuer is not https://api.botframework.com');
    }
    // 6. Audience.
    if (payload.aud !== options.appId) return deny('audience is not our app id');
    // 7. Expiry.
    const nowSec = Math.floor(now() / 1000);
    if (typeof payload.exp !== 'number' || !Number.isFinite(payload.exp)) return deny('no exp claim');
    if (payload.exp <= nowSec - tolerance) return deny('token expired');
    if (payload.nbf !== undefined && (typeof payload.nbf !== 'number' || payload.nbf > nowSec + tolerance)) return deny('token not yet valid');
    // 8. serviceurl claim = activity.serviceUrl.
    const activity = (req.activity && typeof req.activity === 'object' ? req.activity : {}) as Record<string, unknown>;
    const serviceUrl = activity.serviceUrl;
    const claim = payload.serviceurl;
    if (typeof claim !== 'string' || claim === '') return deny('no serviceurl claim');
    if (typeof serviceUrl !== 'string' || claim !== serviceUrl) return deny('serviceurl claim differs from the activity serviceUrl');
    // 9. Allow-listed host.
    const allowed = allowList.check(serviceUrl);
    if (!allowed.ok) return deny(allowed.reason);
    // 10. A channel to check the endorsement against.
    const channelId = activity.channelId;
    if (typeof channelId !== 'string' || channelId === '') return deny('activity has no channelId');

    // Key lookup (the first network call).
    let entry: CachedKey | undefined;
    try {
      entry = await lookup(kid);
    } catch (err) {
      return { ok: false, status: 503, reason: err instanceof Error ? err.message : 'JWKS unavailable' };
    }
    if (!entry) return deny('unknown kid');
    const endorsements = entry.jwk.endorsements;
    if (!Array.isArray(endorsements) || !endorsements.includes(channelId)) return deny(`key not endorsed for channel ${channelId}`);
    if (entry.jwk.kty !== 'RSA') return deny('key is not an RSA key');
    if (entry.jwk.use !== undefined && entry.jwk.use !== 'sig') return deny('key is not a signing key');
    if (entry.jwk.alg !== undefined && entry.jwk.alg !== 'RS256') return deny('key is not an RS256 key');

    try {
      if (!entry.key) {
        const { endorsements: _e, ...plain } = entry.jwk as Record<string, unknown>;
        entry.key = await importJWK({ ...(plain as JWK), alg: 'RS256', ext: true }, 'RS256');
      }
      const { payload: verified } = await jwtVerify(token, entry.key, {
        algorithms: ['RS256'],
        issuer: BOT_FRAMEWORK_ISSUER,
        audience: options.appId,
        requiredClaims: ['exp'],
        clockTolerance: tolerance,
        currentDate: new Date(now()),
      });
      return { ok: true, claims: verified, token, kid };
    } catch (err) {
      if (err instanceof joseErrors.JWSSignatureVerificationFailed) return deny('bad signature');
      if (err instanceof joseErrors.JOSEError) return deny(`token rejected: ${err.code}`);
      return deny('key could not be used');
    }
  }

  const verifier = async (req: VerifyRequest): Promise<VerifyResult> => {
    try {
      return await verify(req);
    } catch {
      return { ok: false, status: 401, reason: 'verification failed' };
    }
  };
  Object.defineProperty(verifier, 'stats', { get: () => ({ ...stats }) });
  return verifier as BotFrameworkVerifier;
}
