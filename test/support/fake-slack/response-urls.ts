// response_url uses: Slack accepts up to five responses to one within 30 minutes.

export class ResponseUrlUses {
  private readonly uses = new Map<string, number>();

  /** Counts a post to response_url `id`; false when it was already used five times. */
  use(id: string): boolean {
    const uses = (this.uses.get(id) ?? 0) + 1;
    this.uses.set(id, uses);
    return uses <= 5;
  }
}
