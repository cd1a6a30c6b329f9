// Plain-text replies (a list, help, an error) as Block Kit sections.
import type { types } from '@slack/bolt';
import type { Translator } from '../../../i18n/index.js';
import { context, escapeMrkdwn, LIMITS, nonEmpty, section, truncateMrkdwn } from './text.js';

/**
 * Plain text as sections of at most 3000 characters, split at line ends; past the block
 * budget the rest is summarised in one line. `code` shows it in a code block (help).
 * `escaped`: the text is mrkdwn already escaped by the caller (it carries mentions).
 */
export function textBlocks(tr: Translator, text: string, options: { code?: boolean; maxBlocks?: number; escaped?: boolean } = {}): types.KnownBlock[] {
  const maxBlocks = options.maxBlocks ?? LIMITS.messageBlocks;
  const fence = options.code ? '```' : '';
  const room = LIMITS.sectionText - 2 * fence.length;
  const chunks: string[] = [];
  let current = '';
  for (const raw of (options.escaped ? text : escapeMrkdwn(text)).split('\n')) {
    const line = truncateMrkdwn(raw, room);
    if (current && current.length + 1 + line.length > room) {
      chunks.push(current);
      current = line;
    } else {
      current = current ? `${current}\n${line}` : line;
    }
  }
  if (current || chunks.length === 0) chunks.push(current);
  const blocks: types.KnownBlock[] = [];
  const fits = chunks.length <= maxBlocks ? chunks.length : maxBlocks - 1;
  for (const chunk of chunks.slice(0, fits)) blocks.push(section(`${fence}${nonEmpty(chunk)}${fence}`));
  if (fits < chunks.length) {
    const rest = chunks.slice(fits).reduce((n, c) => n + c.split('\n').length, 0);
    blocks.push(context(tr.t('slack.list.more', { count: rest })));
  }
  return blocks;
}
