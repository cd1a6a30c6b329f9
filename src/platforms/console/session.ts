// The terminal platform: a person (or a script) types commands, one per line, and
// answers the incident form's questions on the following lines. The session is a
// small state machine over lines, so the same code serves a TTY and a pipe.
import type { Contract } from '../../config/contract.js';
import type { Conversation, Reply, RequestContext } from '../../conversation/engine.js';
import { validateField, type FormField, type FormSpec, type FormValues } from '../../conversation/forms.js';
import { translator, type Translator } from '../../i18n/index.js';

const CANCEL = new Set(['avbryt', 'cancel', 'abort']);

interface FormState {
  spec: FormSpec;
  fields: FormField[];
  index: number;
  values: FormValues;
}

export class ConsoleSession {
  private form: FormState | null = null;
  private readonly tr: Translator;

  constructor(
    private readonly conversation: Conversation,
    private readonly contract: Contract,
    private readonly context: RequestContext,
  ) {
    this.tr = translator(context.lang);
  }

  /** Handles one line; returns what to print. */
  async feed(line: string): Promise<string> {
    if (this.form) return this.answer(line.trim());
    if (line.trim() === '') return '';
    const reply = await this.conversation.handle(line, this.context);
    if (reply.kind === 'form') return this.startForm(reply);
    return reply.text;
  }

  /** True while the incident form is being asked. */
  get asking(): boolean {
    return this.form !== null;
  }

  private startForm(reply: Extract<Reply, { kind: 'form' }>): string {
    // The terminal asks the required fields; the rest can be given inline.
    const fields = reply.form.fields.filter((f) => f.required);
    this.form = { spec: reply.form, fields, index: 0, values: {} };
    return `${reply.text}\n${this.question(fields[0])}`;
  }

  private async answer(text: string): Promise<string> {
    const form = this.form!;
    if (CANCEL.has(text.toLowerCase())) {
      this.form = null;
      return this.tr.t('bot.form.cancelled');
    }
    const field = form.fields[form.index];
    const value = this.normalise(field, text);
    const problem = validateField(this.tr, this.contract, field.id, value);
    if (problem) return `${problem}\n${this.question(field)}`;
    form.values[field.id] = value;
    form.index++;
    if (form.index < form.fields.length) return this.question(form.fields[form.index]);
    this.form = null;
    const result = await this.conversation.submitIncidentForm(form.values, this.context);
    if (result.kind === 'formErrors') return Object.values(result.errors).join('\n');
    return result.text;
  }

  /** Empty answers take the field's default; a number picks the n-th agency. */
  private normalise(field: FormField, text: string): string {
    if (text === '' && field.initial !== undefined) return field.initial;
    if (field.id === 'org' && /^\d+$/.test(text) && field.options) return field.options[Number(text) - 1]?.value ?? text;
    return text;
  }

  private question(field: FormField): string {
    const lines = [`${field.label}:`];
    if (field.id === 'org' && field.options) lines.push(...field.options.map((o, i) => `  ${i + 1}. ${o.value} – ${o.label}`));
    else if (field.options) lines.push(...field.options.map((o) => `  ${o.label}`));
    if (field.hint) lines.push(`  (${field.hint})`);
    if (field.initial !== undefined) lines.push(`  ${this.tr.t('bot.form.enterForDefault', { value: field.initial })}`);
    return `${lines.join('\n')}\n> `;
  }
}
