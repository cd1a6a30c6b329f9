// Block Kit limits: the problems Slack would reject a message or a modal for.

const len = (s: unknown) => (typeof s === 'string' ? s.length : 0);

/** Problems with a message (chat.postMessage / update / postEphemeral / response_url body). */
export function checkMessage(body: Record<string, any>): string[] {
  const problems: string[] = [];
  if (len(body.text) > 40_000) problems.push(`text is ${len(body.text)} characters (max 40000)`);
  if (body.blocks !== undefined) {
    if (!Array.isArray(body.blocks)) problems.push('blocks is not an array');
    else {
      if (body.blocks.length > 50) problems.push(`${body.blocks.length} blocks in a message (max 50)`);
      body.blocks.forEach((b: any, i: number) => checkBlock(b, `blocks[${i}]`, problems, false));
    }
  }
  if (!body.text && !body.blocks) problems.push('neither text nor blocks');
  return problems;
}

/** Problems with a modal view. */
export function checkModal(view: any): string[] {
  const problems: string[] = [];
  if (!view || typeof view !== 'object') return ['no view'];
  if (view.type !== 'modal') problems.push(`view type ${view.type}`);
  checkText(view.title, 'title', 24, problems, 'plain_text');
  if (view.submit !== undefined) checkText(view.submit, 'submit', 24, problems, 'plain_text');
  if (view.close !== undefined) checkText(view.close, 'close', 24, problems, 'plain_text');
  if (len(view.private_metadata) > 3000) problems.push(`private_metadata is ${len(view.private_metadata)} characters (max 3000)`);
  if (len(view.callback_id) > 255) problems.push('callback_id over 255');
  if (!Array.isArray(view.blocks)) problems.push('blocks is not an array');
  else {
    if (view.blocks.length > 100) problems.push(`${view.blocks.length} blocks in a modal (max 100)`);
    if (view.blocks.some((b: any) => b.type === 'input') && !view.submit) problems.push('input blocks without a submit button');
    view.blocks.forEach((b: any, i: number) => checkBlock(b, `blocks[${i}]`, problems, true));
    const ids = view.blocks.map((b: any) => b.block_id).filter(Boolean);
    if (new Set(ids).size !== ids.length) problems.push('duplicate block_id');
  }
  return problems;
}

function checkText(t: any, where: string, max: number, problems: string[], type?: 'plain_text' | 'mrkdwn'): void {
  if (!t || typeof t !== 'object') {
    problems.push(`${where}: missing text object`);
    return;
  }
  if (type && t.type !== type) problems.push(`${where}: must be ${type}, is ${t.type}`);
  if (t.type !== 'plain_text' && t.type !== 'mrkdwn') problems.push(`${where}: text type ${t.type}`);
  if (typeof t.text !== 'string' || t.text.length === 0) problems.push(`${where}: empty text`);
  else if (t.text.length > max) problems.push(`${where}: ${t.text.length} characters (max ${max})`);
}

function checkOptions(options: any[], where: string, max: number, problems: string[]): void {
  if (!Array.isArray(options) || options.length === 0) {
    problems.push(`${where}: no options`);
    return;
  }
  if (options.length > max) problems.push(`${where}: ${options.length} options (max ${max})`);
  options.forEach((o, i) => {
    checkText(o.text, `${where}[${i}].text`, 75, problems);
    if (typeof o.value !== 'string' || o.value.length === 0 || o.value.length > 75) problems.push(`${where}[${i}].value: ${len(o.value)} characters (1–75)`);
    if (o.description !== undefined) checkText(o.description, `${where}[${i}].description`, 75, problems);
  });
}

function checkElement(e: any, where: string, problems: string[], inModal: boolean): void {
  if (len(e.action_id) > 255) problems.push(`${where}.action_id over 255`);
  if (e.placeholder !== undefined) checkText(e.placeholder, `${where}.placeholder`, 150, problems, 'plain_text');
  switch (e.type) {
    case 'button':
      checkText(e.text, `${where}.text`, 75, problems, 'plain_text');
      if (len(e.value) > 2000) problems.push(`${where}.value over 2000`);
      break;
    case 'static_select':
      checkOptions(e.options, `${where}.options`, 100, problems);
      if (e.initial_option && !e.options?.some((o: any) => o.value === e.initial_option.value && o.text?.text === e.initial_option.text?.text))
        problems.push(`${where}.initial_option is not one of the options`);
      break;
    case 'checkboxes':
      checkOptions(e.options, `${where}.options`, 10, problems);
      break;
    case 'plain_text_input':
      if (!inModal) problems.push(`${where}: plain_text_input outside a modal`);
      if (e.max_length !== undefined && (e.max_length < 1 || e.max_length > 3000)) problems.push(`${where}.max_length ${e.max_length} (1–3000)`);
      if (e.initial_value !== undefined && len(e.initial_value) > (e.max_length ?? 3000)) problems.push(`${where}.initial_value longer than max_length`);
      break;
    default:
      problems.push(`${where}: unexpected element ${e.type}`);
  }
}

function checkBlock(b: any, where: string, problems: string[], inModal: boolean): void {
  if (len(b.block_id) > 255) problems.push(`${where}.block_id over 255`);
  switch (b.type) {
    case 'section':
      if (!b.text && !b.fields) problems.push(`${where}: section without text or fields`);
      if (b.text) checkText(b.text, `${where}.text`, 3000, problems);
      if (b.fields) {
        if (b.fields.length > 10) problems.push(`${where}: ${b.fields.length} fields (max 10)`);
        b.fields.forEach((f: any, i: number) => checkText(f, `${where}.fields[${i}]`, 2000, problems));
      }
      if (b.accessory) checkElement(b.accessory, `${where}.accessory`, problems, inModal);
      break;
    case 'header':
      checkText(b.text, `${where}.text`, 150, problems, 'plain_text');
      break;
    case 'context':
      if (!Array.isArray(b.elements) || b.elements.length === 0 || b.elements.length > 10)
        problems.push(`${where}: ${b.elements?.length} context elements (1–10)`);
      b.elements?.forEach((e: any, i: number) => checkText(e, `${where}.elements[${i}]`, 3000, problems));
      break;
    case 'actions':
      if (!Array.isArray(b.elements) || b.elements.length === 0 || b.elements.length > 25)
        problems.push(`${where}: ${b.elements?.length} actions elements (1–25)`);
      b.elements?.forEach((e: any, i: number) => checkElement(e, `${where}.elements[${i}]`, problems, inModal));
      break;
    case 'input':
      if (!inModal) problems.push(`${where}: input block outside a modal`);
      checkText(b.label, `${where}.label`, 2000, problems, 'plain_text');
      if (b.hint !== undefined) checkText(b.hint, `${where}.hint`, 2000, problems, 'plain_text');
      if (!b.element) problems.push(`${where}: input without element`);
      else checkElement(b.element, `${where}.element`, problems, inModal);
      break;
    case 'divider':
      break;
    default:
      problems.push(`${where}: unexpected block type ${b.type}`);
  }
}
