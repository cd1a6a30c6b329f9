// The bodies the bot sends the fake: form or JSON Web API calls, and file uploads.
import { parse as parseQuery } from 'node:querystring';

const JSON_FIELDS = new Set(['blocks', 'attachments', 'view', 'metadata']);

export function parseBody(raw: string, contentType: string | undefined): Record<string, any> {
  if (!raw) return {};
  if ((contentType ?? '').includes('application/json')) return JSON.parse(raw) as Record<string, any>;
  const form = parseQuery(raw) as Record<string, string | string[]>;
  const out: Record<string, any> = {};
  for (const [key, value] of Object.entries(form)) {
    const text = Array.isArray(value) ? value[value.length - 1] : value;
    out[key] = text === undefined ? text : JSON_FIELDS.has(key) ? safeParse(text) : text;
  }
  return out;
}

function safeParse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** The file in an upload: the raw body, or the file part of a multipart/form-data body (as @slack/web-api sends it). */
export function uploadedBytes(body: Buffer, contentType: string | undefined): Buffer {
  const boundary = /multipart\/form-data;.*boundary=("?)([^";]+)\1/i.exec(contentType ?? '')?.[2];
  if (!boundary) return body;
  const delimiter = Buffer.from(`--${boundary}`);
  for (let start = body.indexOf(delimiter); start >= 0; ) {
    const next = body.indexOf(delimiter, start + delimiter.length);
    if (next < 0) break;
    const part = body.subarray(start + delimiter.length + 2, next - 2);
    const split = part.indexOf('\r\n\r\n');
    if (split >= 0 && /filename=/i.test(part.subarray(0, split).toString('utf8'))) return part.subarray(split + 4);
    start = next;
  }
  return body;
}
