// Reading what the bot sent: the texts, the buttons, the opened view.
import type { RecordedCall } from './server.js';

/** Every text of a message or view, for "contains" checks. */
export function textOf(value: unknown): string {
  const out: string[] = [];
  const walk = (v: unknown) => {
    if (typeof v === 'string') out.push(v);
    else if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object')
      for (const [k, x] of Object.entries(v))
        if (k === 'text' || k === 'blocks' || k === 'fields' || k === 'elements' || k === 'label' || k === 'hint' || k === 'title' || typeof x === 'object')
          walk(x);
  };
  walk(value);
  return out.join('\n');
}

export const buttonsOf = (blocks: any[]): string[] => blocks.filter((b) => b.type === 'actions').flatMap((b) => b.elements.map((e: any) => e.text.text));

/** The view as views.open sent it, with the id the fake gave it. */
export function openedView(call: RecordedCall): any {
  return { ...call.body.view, id: call.response.view.id };
}
