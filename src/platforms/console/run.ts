// Runs a console session over streams: a TTY gets a prompt; a pipe is read line by
// line, each reply printed, and the session ends with the input.
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import type { ConsoleSession } from './session.js';

export interface ConsoleIo {
  input: Readable;
  output: Writable;
  interactive: boolean;
}

export async function runConsole(session: ConsoleSession, io: ConsoleIo, banner: string): Promise<void> {
  const rl = createInterface({ input: io.input, output: io.interactive ? io.output : undefined, terminal: io.interactive });
  const write = (text: string) => {
    if (text) io.output.write(text.endsWith('> ') ? text : `${text}\n`);
  };
  if (io.interactive) {
    write(banner);
    rl.setPrompt('ssbtek> ');
    rl.prompt();
  }
  for await (const line of rl) {
    write(await session.feed(line));
    if (io.interactive && !session.asking) rl.prompt();
  }
}
