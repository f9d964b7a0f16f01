import type { RecordedFile } from './types.js';

export interface ParsedBody {
  /** JSON body, or `payload_json` of a multipart body merged with any plain text fields. */
  json: unknown;
  files: RecordedFile[];
  kind: 'none' | 'json' | 'multipart' | 'other';
}

export class BodyParseError extends Error {}

/**
 * Parses a Discord REST request body: `application/json`, or `multipart/form-data`
 * with `payload_json` + `files[n]` parts (what @discordjs/rest sends when files are attached).
 * Multipart is decoded with the Fetch API's FormData parser built into Node (undici).
 */
export async function parseBody(contentType: string | undefined, raw: Buffer): Promise<ParsedBody> {
  if (raw.length === 0) return { json: undefined, files: [], kind: 'none' };
  const ct = (contentType ?? '').toLowerCase();
  if (ct.startsWith('application/json')) {
    try {
      return { json: JSON.parse(raw.toString('utf8')), files: [], kind: 'json' };
    } catch {
      throw new BodyParseError('The request body contains invalid JSON.');
    }
  }
  if (ct.startsWith('multipart/form-data')) {
    let form: FormData;
    try {
      form = await new Response(Uint8Array.from(raw), { headers: { 'content-type': contentType ?? '' } }).formData();
    } catch {
      throw new BodyParseError('Invalid multipart body.');
    }
    let json: Record<string, unknown> = {};
    const fields: Record<string, string> = {};
    const files: RecordedFile[] = [];
    for (const [field, value] of form.entries()) {
      if (typeof value === 'string') {
        if (field === 'payload_json') {
          try {
            const parsed: unknown = JSON.parse(value);
            if (parsed && typeof parsed === 'object') json = parsed as Record<string, unknown>;
          } catch {
            throw new BodyParseError('payload_json is not valid JSON.');
          }
        } else {
          fields[field] = value;
        }
      } else {
        const blob = value as Blob & { name?: string };
        files.push({
          field,
          name: blob.name ?? field,
          contentType: blob.type || 'application/octet-stream',
          data: Buffer.from(await blob.arrayBuffer()),
        });
      }
    }
    return { json: { ...fields, ...json }, files, kind: 'multipart' };
  }
  return { json: raw.toString('utf8'), files: [], kind: 'other' };
}

/** Width/height of a PNG, read from its IHDR chunk, if the bytes are a PNG. */
export function pngSize(data: Buffer): { width: number; height: number } | undefined {
  const sig = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  if (data.length < 24 || !sig.every((b, i) => data[i] === b)) return undefined;
  return { width: data.readUInt32BE(16), height: data.readUInt32BE(20) };
}
