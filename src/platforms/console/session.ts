// The terminal platform: a person (or a script) types commands, one per line, and
// answers a form's questions on the following lines. The session is a small state
// machine over lines, so the same code serves a TTY and a pipe. It holds no rule: every
// line goes to the conversation, every answer is checked by the form's own validation.
import type { Contract } from '../../config/contract.js';
import type { Conversation, Reply, ReplyKind, RequestContext } from '../../conversation/engine.js';
import { checkField, type FormField, type FormSpec, type SubmittedValues } from '../../conversation/forms.js';
import { translator, type Translator } from '../../i18n/index.js';

const CANCEL = new Set(['avbryt', 'cancel', 'abort']);

interface FormState {
  spec: FormSpec;
  fields: FormField[];
  index: number;
  values: SubmittedValues;
}

/** How the last line ended: a reply's kind, or a step of a form. */
export type LineOutcome = ReplyKind | 'question' | 'reasked' | 'cancelled' | 'empty';

export class ConsoleSession {
  private form: FormState | null = null;
  private readonly tr: Translator;
  /** How the last line fed ended (for scripts and tests). */
  lastOutcome: LineOutcome = 'empty';

  constructor(
    private readonly conversation: Conversation,
    private readonly contract: Contract,
    private readonly context: RequestContext,
  ) {
    this.tr = translator(context.lang);
  }

  /**
   * Whether a person is at the keyboard: then `resolve INC-1` without a note asks for it
   * (as Slack opens a modal); in a pipe it is refused with the usage, so a script's next
   * line is never taken as an answer it did not mean.
   */
  interactive = false;

  /** Handles one line; returns what to print. */
  async feed(line: string): Promise<string> {
    if (this.form) return this.answer(line.trim());
    if (line.trim() === '') {
      this.lastOutcome = 'empty';
      return '';
    }
    const reply = await this.conversation.handle(line, { ...this.context, forms: this.interactive });
    this.lastOutcome = reply.kind;
    if (reply.kind === 'form') return this.startForm(reply);
    return reply.text;
  }

  /** True while a form is being asked. */
  get asking(): boolean {
    return this.form !== null;
  }

  /** Drops the form being asked (Ctrl+C); what to print, empty when there was none. */
  cancelForm(): string {
    if (!this.form) return '';
    this.form = null;
    this.lastOutcome = 'cancelled';
    return this.tr.t('bot.form.cancelled');
  }

  /** The input ended: a form being asked is dropped, and that is said. */
  endOfInput(): string {
    if (!this.form) return '';
    this.form = null;
    this.lastOutcome = 'cancelled';
    return this.tr.t('bot.form.endOfInput');
  }

  private startForm(reply: Extract<Reply, { kind: 'form' }>): string {
    // The terminal asks the required fields; the rest can be given inline.
    const fields = reply.form.fields.filter((f) => f.required);
    this.form = { spec: reply.form, fields, index: 0, values: {} };
    this.lastOutcome = 'form';
    return `${reply.text}\n${this.question(fields[0]!)}`;
  }

  private async answer(text: string): Promise<string> {
    const form = this.form!;
    if (CANCEL.has(text.toLowerCase())) return this.cancelForm();
    const field = form.fields[form.index]!;
    const value = this.normalise(field, text);
    const problem = checkField(this.tr, this.contract, form.spec.id, field.id, value);
    if (problem) {
      this.lastOutcome = 'reasked';
      return `${problem}\n${this.question(field)}`;
    }
    form.values[field.id] = value;
    form.index++;
    if (form.index < form.fields.length) {
      this.lastOutcome = 'question';
      return this.question(form.fields[form.index]!);
    }
    this.form = null;
    const reply = await this.conversation.submitForm(form.spec.id, form.values, form.spec.hidden, { ...this.context, forms: this.interactive });
    this.lastOutcome = reply.kind;
    return reply.text;
  }

  /** Empty answers take the field's default; a number picks the n-th agency. */
  private normalise(field: FormField, text: string): string {
    if (text === '' && field.initial !== undefined) return field.initial;
    if (field.id === 'org' && /^\d+$/.test(text) && field.options) return field.options[Number(text) - 1]?.value ?? text;
    return text;
  }

  private question(field: FormField): string {
    const lines = [/[?:]$/.test(field.label) ? field.label : `${field.label}:`];
    if (field.id === 'org' && field.options) lines.push(...field.options.map((o, i) => `  ${i + 1}. ${o.value} – ${o.label}`));
    else if (field.options) lines.push(...field.options.map((o) => `  ${o.label}`));
    if (field.hint) lines.push(`  (${field.hint})`);
    if (field.initial !== undefined) lines.push(`  ${this.tr.t('bot.form.enterForDefault', { value: field.initial })}`);
    return `${lines.join('\n')}\n> `;
  }
}
