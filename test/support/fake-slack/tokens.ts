// Which tokens the fake accepts: known bot (xoxb-/xoxp-) and app (xapp-) tokens, minus the revoked ones.

export class Tokens {
  private readonly revoked = new Set<string>();

  /** `tokens`: only these are valid (default: any well-formed token not revoked). */
  constructor(private readonly options: { tokens?: string[] }) {}

  /** From now on `token` gets invalid_auth. */
  revoke(token: string): void {
    this.revoked.add(token);
  }

  /** invalid_auth for a token that is not (or no longer) valid; not_authed without one. */
  authError(header: string | undefined, method: string): string | null {
    const token = /^Bearer\s+(\S+)$/.exec(header ?? '')?.[1];
    if (!token) return method === 'apps.connections.open' || method.startsWith('oauth.') ? null : 'not_authed';
    if (this.revoked.has(token)) return 'invalid_auth';
    if (this.options.tokens) return this.options.tokens.includes(token) ? null : 'invalid_auth';
    return /^xox[bp]-[\w-]+$/.test(token) || /^xapp-[\w-]+$/.test(token) ? null : 'invalid_auth';
  }
}
