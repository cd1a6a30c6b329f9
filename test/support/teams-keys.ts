// Local stand-ins for the Bot Framework's signing keys, for tests and benches. Loopback only.
//
//   const keys = await TeamsKeys.create();                 // one RSA key, kid "test-key-1", endorsed for msteams
//   const jwks = await JwksServer.start(keys);             // GET jwks.url → keys.jwks()
//   const token = await keys.sign({ serviceurl, aud });     // a Bot Framework-shaped token
//   jwks.mode = 'hang' | 'fail' | 'garbage' | 'ok';        jwks.requests → how many fetches
//
// `sign()` takes claim and header overrides; `forge()` builds tokens jose will not sign
// (alg none, HS256 with any secret, a broken signature).
import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { base64url, exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK, type JWTPayload } from 'jose';

export const TEST_APP_ID = '00000000-0000-4000-8000-00000000b07a';
export const BOT_FRAMEWORK_ISSUER = 'https://api.botframework.com';

export interface KeySpec {
  kid: string;
  /** Default ['msteams']. */
  endorsements?: string[];
}

export interface TestKey {
  kid: string;
  privateKey: CryptoKey;
  publicJwk: JWK & { endorsements: string[] };
}

export interface SignOptions {
  /** Claims merged over the defaults (set a claim to undefined to drop it). */
  claims?: Record<string, unknown>;
  /** Header merged over { alg: 'RS256', kid, typ: 'JWT' } (undefined drops). */
  header?: Record<string, unknown>;
  /** Sign with this key (default the first). */
  kid?: string;
  /** Sign with a key that is NOT in the JWKS, keeping the header kid (a forged signature). */
  foreignKey?: boolean;
  /** Epoch milliseconds for iat/nbf/exp defaults. */
  now?: number;
}

export interface DefaultClaimsInput {
  serviceUrl: string;
  appId?: string;
  now?: number;
}

/** What a Bot Framework channel token carries (iss, aud, serviceurl, nbf, exp, iat). */
export function botFrameworkClaims(input: DefaultClaimsInput): Record<string, unknown> {
  const now = Math.floor((input.now ?? Date.now()) / 1000);
  return {
    iss: BOT_FRAMEWORK_ISSUER,
    aud: input.appId ?? TEST_APP_ID,
    serviceurl: input.serviceUrl,
    nbf: now - 5,
    iat: now - 5,
    exp: now + 3600,
  };
}

function dropUndefined(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
}

export class TeamsKeys {
  private constructor(
    readonly keys: TestKey[],
    private readonly foreign: CryptoKey,
    readonly defaults: { appId: string; serviceUrl: string },
  ) {}

  static async create(specs: KeySpec[] = [{ kid: 'test-key-1' }], defaults: { appId?: string; serviceUrl?: string } = {}): Promise<TeamsKeys> {
    const keys: TestKey[] = [];
    for (const spec of specs) {
      const { privateKey, publicKey } = await generateKeyPair('RS256', { modulusLength: 2048, extractable: true });
      const jwk = await exportJWK(publicKey);
      keys.push({
        kid: spec.kid,
        privateKey,
        publicJwk: { ...jwk, kid: spec.kid, use: 'sig', endorsements: spec.endorsements ?? ['msteams'] },
      });
    }
    const { privateKey: foreign } = await generateKeyPair('RS256', { modulusLength: 2048 });
    return new TeamsKeys(keys, foreign, {
      appId: defaults.appId ?? TEST_APP_ID,
      serviceUrl: defaults.serviceUrl ?? 'https://smba.trafficmanager.net/emea/',
    });
  }

  /** The JWKS document, shaped like https://login.botframework.com/v1/.well-known/keys. */
  jwks(): { keys: Array<JWK & { endorsements: string[] }> } {
    return { keys: this.keys.map((k) => ({ ...k.publicJwk })) };
  }

  /** An RS256 token signed by one of the JWKS keys (or a foreign key with `foreignKey`). */
  async sign(options: SignOptions = {}): Promise<string> {
    const key = options.kid ? this.keys.find((k) => k.kid === options.kid) : this.keys[0];
    if (!key) throw new Error(`no test key ${options.kid}`);
    const claims = dropUndefined({
      ...botFrameworkClaims({ serviceUrl: this.defaults.serviceUrl, appId: this.defaults.appId, now: options.now }),
      ...options.claims,
    });
    const header = dropUndefined({ alg: 'RS256', kid: key.kid, typ: 'JWT', ...options.header });
    return new SignJWT(claims as JWTPayload).setProtectedHeader(header as { alg: string }).sign(options.foreignKey ? this.foreign : key.privateKey);
  }

  /** A token jose would refuse to make: any header/claims, any (or no) signature. */
  forge(parts: { header: Record<string, unknown>; claims: Record<string, unknown>; signature?: string }): string {
    const enc = (o: unknown) => base64url.encode(JSON.stringify(o));
    return `${enc(parts.header)}.${enc(dropUndefined(parts.claims))}.${parts.signature ?? ''}`;
  }

  /** Default claims for the given serviceUrl (for forge()). */
  claims(overrides: Record<string, unknown> = {}): Record<string, unknown> {
    return dropUndefined({ ...botFrameworkClaims({ serviceUrl: this.defaults.serviceUrl, appId: this.defaults.appId }), ...overrides });
  }

  /** An HS256 token over the given claims, keyed with `secret` (alg confusion attempt). */
  async hs256(claims: Record<string, unknown>, secret: Uint8Array, kid = this.keys[0]!.kid): Promise<string> {
    return new SignJWT(dropUndefined(claims) as JWTPayload).setProtectedHeader({ alg: 'HS256', kid, typ: 'JWT' }).sign(secret);
  }
}

export type JwksMode = 'ok' | 'hang' | 'fail' | 'garbage';

/** Serves a JWKS document over HTTP on 127.0.0.1; counts requests; can hang or fail. */
export class JwksServer {
  mode: JwksMode = 'ok';
  requests = 0;
  private readonly sockets = new Set<Socket>();

  private constructor(
    private readonly server: Server,
    readonly url: string,
    private document: () => unknown,
  ) {}

  static async start(source: TeamsKeys | (() => unknown), path = '/v1/.well-known/keys'): Promise<JwksServer> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const doc = typeof source === 'function' ? source : () => source.jwks();
    const jwks = new JwksServer(server, `http://127.0.0.1:${port}${path}`, doc);
    server.on('connection', (s) => {
      jwks.sockets.add(s);
      s.on('close', () => jwks.sockets.delete(s));
    });
    server.on('request', (req, res) => {
      jwks.requests++;
      if (jwks.mode === 'hang') return; // never answers
      if (req.method !== 'GET' || !req.url?.startsWith(path)) {
        res.writeHead(404).end();
        return;
      }
      if (jwks.mode === 'fail') {
        res.writeHead(500, { 'content-type': 'text/plain' }).end('boom');
        return;
      }
      const body = jwks.mode === 'garbage' ? '{"keys": nope' : JSON.stringify(jwks.document());
      res.writeHead(200, { 'content-type': 'application/json' }).end(body);
    });
    return jwks;
  }

  /** Serve another document from now on (key rollover). */
  serve(document: () => unknown): void {
    this.document = document;
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
