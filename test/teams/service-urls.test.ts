// The service-URL allow-list (TEAMS_SERVICE_URL_HOSTS) and the endpoint URL checks.
import { describe, expect, it } from 'vitest';
import { checkEndpointUrl, createServiceUrlAllowList, parseHostPattern, TeamsConfigError } from '../../src/platforms/teams/auth/service-urls.js';

const prod = { production: true };
const dev = { production: false };

describe('default allow-list (public cloud)', () => {
  const { allowList, warnings } = createServiceUrlAllowList(undefined, prod);

  it('has no warnings', () => expect(warnings).toEqual([]));

  it.each([
    'https://smba.trafficmanager.net/teams/',
    'https://smba.trafficmanager.net/emea/',
    'https://smba.trafficmanager.net/amer/9c3e2f7a-0000-4000-8000-000000000000/',
    'https://emea.smba.trafficmanager.net/',
  ])('accepts %s', (url) => expect(allowList.allows(url)).toBe(true));

  it.each([
    ['http://smba.trafficmanager.net/emea/', 'plain http in production'],
    ['https://smba.trafficmanager.net.evil.example/emea/', 'a suffix trick'],
    ['https://evilsmba.trafficmanager.net/', 'not a subdomain'],
    ['https://trafficmanager.net/', 'the parent domain'],
    ['https://smba.trafficmanager.net:8443/emea/', 'another port'],
    ['https://user:pw@smba.trafficmanager.net/emea/', 'credentials'],
    ['https://127.0.0.1/', 'loopback'],
    ['not a url', 'garbage'],
    ['', 'empty'],
  ])('refuses %s (%s)', (url) => expect(allowList.allows(url)).toBe(false));
});

describe('patterns', () => {
  it('host:port matches only that port; a bare host only the default port', () => {
    const { allowList } = createServiceUrlAllowList('bots.example.org:8443, other.example.org', prod);
    expect(allowList.allows('https://bots.example.org:8443/x')).toBe(true);
    expect(allowList.allows('https://bots.example.org/x')).toBe(false);
    expect(allowList.allows('https://other.example.org:443/x')).toBe(true);
    expect(allowList.allows('https://other.example.org:444/x')).toBe(false);
  });

  it('*. matches any depth of subdomain but not the domain itself', () => {
    const { allowList } = createServiceUrlAllowList(['*.smba.infra.gcc.teams.microsoft.com'], prod);
    expect(allowList.allows('https://a.smba.infra.gcc.teams.microsoft.com/teams')).toBe(true);
    expect(allowList.allows('https://a.b.smba.infra.gcc.teams.microsoft.com/teams')).toBe(true);
    expect(allowList.allows('https://smba.infra.gcc.teams.microsoft.com/teams')).toBe(false);
  });

  it('hosts compare case-insensitively, trailing dots ignored', () => {
    const { allowList } = createServiceUrlAllowList('SMBA.TrafficManager.NET', prod);
    expect(allowList.allows('https://smba.trafficmanager.net./emea/')).toBe(true);
  });

  it.each(['https://smba.trafficmanager.net', 'smba.*.net', '*', '*.net', 'host:0', 'host:99999', 'bad_host', 'a/b', 'user@host'])(
    'rejects the malformed pattern %s with a TeamsConfigError naming the variable',
    (p) => {
      expect(() => parseHostPattern(p)).toThrow(TeamsConfigError);
      expect(() => parseHostPattern(p)).toThrow(/TEAMS_SERVICE_URL_HOSTS/);
    },
  );
});

describe('loopback and plain http', () => {
  it('outside production: accepted, with a warning to log', () => {
    const { allowList, warnings } = createServiceUrlAllowList('127.0.0.1:3978', dev);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/TEAMS_SERVICE_URL_HOSTS allows loopback host 127\.0\.0\.1:3978/);
    expect(allowList.allows('http://127.0.0.1:3978/teams/')).toBe(true);
    expect(allowList.allows('http://127.0.0.1:3979/teams/')).toBe(false);
  });

  it('in production: refused at start', () => {
    expect(() => createServiceUrlAllowList('localhost:3978', prod)).toThrow(/not allowed when NODE_ENV=production/);
    expect(() => createServiceUrlAllowList('[::1]:3978', prod)).toThrow(TeamsConfigError);
  });

  it('TEAMS_JWKS_URL / TEAMS_TOKEN_URL / TEAMS_SERVICE_URL: https always, http or loopback only outside production', () => {
    expect(checkEndpointUrl('TEAMS_JWKS_URL', 'https://login.botframework.com/v1/.well-known/keys', prod).warning).toBeUndefined();
    const local = checkEndpointUrl('TEAMS_TOKEN_URL', 'http://127.0.0.1:4000/t/oauth2/v2.0/token', dev);
    expect(local.warning).toMatch(/TEAMS_TOKEN_URL points at http:\/\/127\.0\.0\.1:4000 \(plain http/);
    expect(() => checkEndpointUrl('TEAMS_TOKEN_URL', 'http://127.0.0.1:4000/t', prod)).toThrow(
      /TEAMS_TOKEN_URL: plain http is not allowed when NODE_ENV=production/,
    );
    expect(() => checkEndpointUrl('TEAMS_JWKS_URL', 'https://localhost/keys', prod)).toThrow(/loopback/);
    expect(() => checkEndpointUrl('TEAMS_JWKS_URL', 'ftp://x/keys', dev)).toThrow(/only https/);
    expect(() => checkEndpointUrl('TEAMS_JWKS_URL', 'keys.json', dev)).toThrow(/not an absolute URL/);
    expect(() => checkEndpointUrl('TEAMS_SERVICE_URL', 'https://u:p@smba.trafficmanager.net/', prod)).toThrow(/credentials/);
  });
});
