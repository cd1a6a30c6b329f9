// Runs a console session over streams: a TTY gets a prompt; a pipe is read line by
// line, each reply printed, and the session ends with the input. Everything printed
// passes through terminalSafe, so text from chat (a title with ESC[2J or a bidi
// override) cannot clear or fake lines on an operator's screen.
//
// Ctrl+C: the first press cancels the form being asked (or clears a half-typed line);
// a second press, or a press at an empty prompt, ends the session.
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { terminalSafe } from '../../domain/text.js';
import type { ConsoleSession } from './session.js';

export interface ConsoleIo {
  input: Readable;
  output: Writable;
  interactive: boolean;
  /** Aborted on SIGTERM: no further line is read; the one being handled finishes. */
  signal?: AbortSignal;
}

const PROMPT = 'ssbtek> ';

export async function runConsole(session: ConsoleSession, io: ConsoleIo, banner: string): Promise<void> {
  const rl = createInterface({ input: io.input, output: io.interactive ? io.output : undefined, terminal: io.interactive });
  session.interactive = io.interactive;
  if (io.signal?.aborted) return void rl.close();
  io.signal?.addEventListener('abort', () => rl.close(), { once: true });
  const write = (text: string) => {
    if (text) io.output.write(text.endsWith('> ') ? terminalSafe(text) : `${terminalSafe(text)}\n`);
  };
  let interrupted = false;
  if (io.interactive) {
    write(banner);
    rl.setPrompt(PROMPT);
    rl.prompt();
    rl.on('SIGINT', () => {
      if (session.asking) {
        io.output.write('\n');
        write(session.cancelForm());
        interrupted = true;
        rl.prompt();
        return;
      }
      if (interrupted || rl.line === '') {
        io.output.write('\n');
        rl.close();
        return;
      }
      // A half-typed line: drop it, like a shell; the next Ctrl+C ends the session.
      interrupted = true;
      rl.write(null, { ctrl: true, name: 'e' });
      rl.write(null, { ctrl: true, name: 'u' });
      io.output.write('^C\n');
      rl.prompt();
    });
  }
  for await (const line of rl) {
    // The embedded store answers through microtasks only: without a turn of the event loop
    // between lines, a piped stream of commands would hold off signals (SIGTERM) until it ends.
    await new Promise<void>((resolve) => setImmediate(resolve));
    if (io.signal?.aborted) break;
    interrupted = false;
    write(await session.feed(line));
    if (io.interactive && !session.asking) rl.prompt();
  }
  write(session.endOfInput());
}
