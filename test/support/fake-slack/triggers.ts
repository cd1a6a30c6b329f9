// trigger_ids as Slack hands them out: each opens one view (views.open/push), within 3 s.

export class TriggerIds {
  private readonly triggers = new Map<string, { issuedAt: number; used: boolean }>();

  /** A trigger_id Slack handed out at `at`. */
  issue(id: string, at = Date.now()): void {
    this.triggers.set(id, { issuedAt: at, used: false });
  }

  /** Uses `id`: expired_trigger_id or trigger_exchanged, else null (an id never issued is let through). */
  exchange(id: string): string | null {
    const trigger = this.triggers.get(id);
    if (trigger) {
      if (Date.now() - trigger.issuedAt > 3_000) return 'expired_trigger_id';
      if (trigger.used) return 'trigger_exchanged';
      trigger.used = true;
    }
    return null;
  }
}
