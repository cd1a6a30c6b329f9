// Slack's chat.postMessage limit per channel, when the fake is given one (HTTP 429 with Retry-After).

export class ChannelRateLimit {
  private readonly lastPost = new Map<string, number[]>();

  constructor(private readonly options: { rateLimit?: { perChannelPerSecond: number; retryAfterSeconds?: number } }) {}

  /** Seconds to wait when a post in `channel` now would exceed the per-channel rate, else 0 (and the post is counted). */
  overLimit(channel: string): number {
    const limit = this.options.rateLimit;
    if (!limit) return 0;
    const now = Date.now();
    const recent = (this.lastPost.get(channel) ?? []).filter((t) => now - t < 1000);
    if (recent.length >= limit.perChannelPerSecond) {
      this.lastPost.set(channel, recent);
      return limit.retryAfterSeconds ?? 1;
    }
    recent.push(now);
    this.lastPost.set(channel, recent);
    return 0;
  }
}
