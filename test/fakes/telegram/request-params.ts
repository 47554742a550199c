// The four ways the Bot API takes parameters (https://core.telegram.org/bots/api#making-requests):
// URL query string, application/x-www-form-urlencoded, application/json and
// multipart/form-data (files, which may also be referenced as `attach://<part name>`).

/** A file uploaded in a multipart part. */
export interface UploadedFile {
  fileName: string;
  contentType: string;
  bytes: Buffer;
}

/** A request's parameters: strings as sent (JSON values keep their types), files by field. */
export interface RequestParams {
  values: Record<string, unknown>;
  files: Record<string, UploadedFile>;
}

/** Read parameters from the query string and the body, whatever its content type. */
export function readParams(
  query: URLSearchParams,
  contentType: string,
  body: Buffer,
): RequestParams {
  const values: Record<string, unknown> = Object.fromEntries(query);
  const files: Record<string, UploadedFile> = {};
  const type = contentType.split(';')[0]!.trim().toLowerCase();
  if (body.length === 0) return { values, files };
  if (type === 'application/json') {
    Object.assign(values, JSON.parse(body.toString('utf8')) as Record<string, unknown>);
  } else if (type === 'application/x-www-form-urlencoded') {
    Object.assign(values, Object.fromEntries(new URLSearchParams(body.toString('utf8'))));
  } else if (type === 'multipart/form-data') {
    const boundary = /boundary=("?)([^";]+)\1/i.exec(contentType)?.[2];
    if (!boundary) throw new Error('multipart body without a boundary');
    for (const part of splitMultipart(body, boundary)) {
      if (part.fileName === undefined) values[part.name] = part.bytes.toString('utf8');
      else {
        files[part.name] = {
          fileName: part.fileName,
          contentType: part.contentType ?? 'application/octet-stream',
          bytes: part.bytes,
        };
      }
    }
    // `photo=attach://abc` names the part that holds the file.
    for (const [key, value] of Object.entries(values)) {
      const attached = typeof value === 'string' && value.startsWith('attach://');
      const file = attached ? files[value.slice('attach://'.length)] : undefined;
      if (file) files[key] = file;
    }
  }
  return { values, files };
}

/** A parameter that may arrive as a JSON value or as a JSON-encoded string (forms). */
export function jsonParam<T>(value: unknown): T | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string') return value as T;
  try {
    return JSON.parse(value) as T;
  } catch {
    return value as T;
  }
}

interface Part {
  name: string;
  fileName?: string;
  contentType?: string;
  bytes: Buffer;
}

function splitMultipart(body: Buffer, boundary: string): Part[] {
  const delimiter = Buffer.from(`--${boundary}`);
  const parts: Part[] = [];
  let start = body.indexOf(delimiter);
  while (start >= 0) {
    const afterDelimiter = start + delimiter.length;
    if (body.subarray(afterDelimiter, afterDelimiter + 2).toString() === '--') break;
    const headerStart = afterDelimiter + 2; // CRLF
    const headerEnd = body.indexOf('\r\n\r\n', headerStart);
    const next = body.indexOf(delimiter, headerEnd);
    if (headerEnd < 0 || next < 0) break;
    const headers = body.subarray(headerStart, headerEnd).toString('utf8');
    // Headers may be written without the optional space (`content-disposition:form-data;...`)
    // and with an unquoted filename; both are valid per RFC 7578.
    const disposition = /content-disposition:\s*form-data([^\r\n]*)/i.exec(headers)?.[1] ?? '';
    const name = /;\s*name=("?)([^";]*)\1/i.exec(disposition)?.[2];
    const fileName = /;\s*filename=("?)([^";]*)\1/i.exec(disposition)?.[2];
    const contentType = /content-type:\s*([^\r\n]+)/i.exec(headers)?.[1]?.trim();
    if (name !== undefined) {
      parts.push({
        name,
        ...(fileName !== undefined ? { fileName } : {}),
        ...(contentType !== undefined ? { contentType } : {}),
        bytes: body.subarray(headerEnd + 4, next - 2), // the part's CRLF belongs to the delimiter
      });
    }
    start = next;
  }
  return parts;
}
