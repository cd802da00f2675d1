import { gunzipSync } from 'node:zlib';

/** Helm's limits (pkg/chart/loader/archive): the whole chart, decompressed, and any one file in it. */
export const MAX_DECOMPRESSED_CHART_SIZE = 100 * 1024 * 1024;
export const MAX_DECOMPRESSED_FILE_SIZE = 5 * 1024 * 1024;

export interface ArchiveFile {
  /** Path inside the chart, without the archive's top directory: `Chart.yaml`, `templates/x.yaml`. */
  name: string;
  data: Buffer;
}

export interface ArchiveContents {
  /** The top directory the files sit in (`mychart` for `mychart/Chart.yaml`). */
  root: string;
  files: ArchiveFile[];
}

export type ArchiveResult = { ok: true; contents: ArchiveContents } | { ok: false; error: string };

const UTF8_BOM = Buffer.from([0xef, 0xbb, 0xbf]);
const BLOCK = 512;

/**
 * Reads a chart archive (.tgz) as Helm's LoadArchiveFiles does: gunzip, walk the tar (ustar, pax and GNU long names),
 * skip directories and pax headers, drop the first path component, refuse absolute paths, `..`, a Chart.yaml at the
 * top, and sizes over Helm's limits; strip a UTF-8 BOM from each file.
 */
export function readChartArchive(compressed: Buffer): ArchiveResult {
  let tar: Buffer;
  try {
    tar = gunzipSync(compressed, { maxOutputLength: MAX_DECOMPRESSED_CHART_SIZE + 64 * BLOCK });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ERR_BUFFER_TOO_LARGE')
      return { ok: false, error: `decompressed chart is larger than the maximum size ${MAX_DECOMPRESSED_CHART_SIZE}` };
    return { ok: false, error: `not a gzipped archive (${(error as Error).message})` };
  }
  const files: ArchiveFile[] = [];
  let root: string | undefined;
  let remaining = MAX_DECOMPRESSED_CHART_SIZE;
  let offset = 0;
  let paxPath: string | undefined;
  let paxSize: number | undefined;
  let longName: string | undefined;
  for (;;) {
    if (offset + BLOCK > tar.length) {
      if (offset < tar.length) return { ok: false, error: 'archive/tar: unexpected end of archive' };
      break;
    }
    const header = tar.subarray(offset, offset + BLOCK);
    if (header.every((byte) => byte === 0)) break;
    if (!checksumMatches(header)) return { ok: false, error: 'archive/tar: invalid tar header' };
    const type = String.fromCharCode(header[156]!);
    const headerSize = parseNumeric(header.subarray(124, 136));
    if (headerSize === undefined) return { ok: false, error: 'archive/tar: invalid tar header (size)' };
    const size = paxSize ?? headerSize;
    const bodyStart = offset + BLOCK;
    if (bodyStart + size > tar.length) return { ok: false, error: 'archive/tar: unexpected end of archive' };
    const body = tar.subarray(bodyStart, bodyStart + size);
    offset = bodyStart + Math.ceil(size / BLOCK) * BLOCK;
    if (type === 'x') {
      const records = parsePax(body);
      paxPath = records.get('path') ?? paxPath;
      const paxSizeText = records.get('size');
      paxSize = paxSizeText !== undefined && /^\d+$/.test(paxSizeText) ? Number(paxSizeText) : undefined;
      continue;
    }
    if (type === 'g') continue;
    if (type === 'L') {
      longName = cString(body);
      continue;
    }
    if (type === 'K') continue;
    const headerName = ustarName(header);
    const fullName = paxPath ?? longName ?? headerName;
    paxPath = undefined;
    paxSize = undefined;
    longName = undefined;
    if (type === '5' || fullName.endsWith('/')) continue;

    const delimiter = fullName.includes('\\') ? '\\' : '/';
    const parts = fullName.split(delimiter);
    root ??= parts[0];
    const name = cleanPath(parts.slice(1).join('/'));
    if (name.startsWith('/')) return { ok: false, error: 'chart illegally contains absolute paths' };
    if (name === '.')
      return {
        ok: false,
        error: `chart illegally contains content outside the base directory: ${JSON.stringify(fullName)}`,
      };
    if (name.startsWith('..')) return { ok: false, error: 'chart illegally references parent directory' };
    if (/^[a-zA-Z]:\//.test(name)) return { ok: false, error: 'chart contains illegally named files' };
    if (parts[0] === 'Chart.yaml') return { ok: false, error: 'chart yaml not in base directory' };
    if (size > MAX_DECOMPRESSED_FILE_SIZE)
      return {
        ok: false,
        error: `decompressed chart file ${JSON.stringify(fullName)} is larger than the maximum file size ${MAX_DECOMPRESSED_FILE_SIZE}`,
      };
    remaining -= size;
    if (remaining <= 0)
      return { ok: false, error: `decompressed chart is larger than the maximum size ${MAX_DECOMPRESSED_CHART_SIZE}` };
    const data = body.subarray(0, UTF8_BOM.length).equals(UTF8_BOM) ? body.subarray(UTF8_BOM.length) : body;
    files.push({ name, data: Buffer.from(data) });
  }
  if (files.length === 0) return { ok: false, error: 'no files in chart archive' };
  return { ok: true, contents: { root: root ?? '', files } };
}

function cString(bytes: Buffer): string {
  const end = bytes.indexOf(0);
  return bytes.toString('utf8', 0, end === -1 ? bytes.length : end);
}

function ustarName(header: Buffer): string {
  const name = cString(header.subarray(0, 100));
  const magic = header.toString('latin1', 257, 262);
  const prefix = magic === 'ustar' ? cString(header.subarray(345, 500)) : '';
  return prefix ? `${prefix}/${name}` : name;
}

/** Octal digits (space or NUL padded), or GNU base-256 when the first byte's high bit is set. */
function parseNumeric(field: Buffer): number | undefined {
  if (field[0]! & 0x80) {
    let value = 0;
    for (let i = 1; i < field.length; i++) value = value * 256 + field[i]!;
    return Number.isSafeInteger(value) ? value : undefined;
  }
  const text = field.toString('latin1').replace(/\0.*$/s, '').trim();
  if (text === '') return 0;
  return /^[0-7]+$/.test(text) ? parseInt(text, 8) : undefined;
}

/** The header checksum: the byte sum with the checksum field read as spaces (unsigned, or signed as old tars did). */
function checksumMatches(header: Buffer): boolean {
  const stored = parseNumeric(header.subarray(148, 156));
  if (stored === undefined) return false;
  let unsigned = 0;
  let signed = 0;
  for (let i = 0; i < BLOCK; i++) {
    const byte = i >= 148 && i < 156 ? 0x20 : header[i]!;
    unsigned += byte;
    signed += byte > 127 ? byte - 256 : byte;
  }
  return stored === unsigned || stored === signed;
}

/** pax extended header records: `<length> <key>=<value>\n`. */
function parsePax(body: Buffer): Map<string, string> {
  const records = new Map<string, string>();
  let offset = 0;
  while (offset < body.length) {
    const space = body.indexOf(0x20, offset);
    if (space === -1) break;
    const length = Number(body.toString('latin1', offset, space));
    if (!Number.isInteger(length) || length <= 0 || offset + length > body.length) break;
    const record = body.toString('utf8', space + 1, offset + length - 1);
    const equals = record.indexOf('=');
    if (equals > 0) records.set(record.slice(0, equals), record.slice(equals + 1));
    offset += length;
  }
  return records;
}

/** Go's path.Clean for a relative or absolute `/` path. */
function cleanPath(path: string): string {
  const absolute = path.startsWith('/');
  const out: string[] = [];
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (out.length > 0 && out[out.length - 1] !== '..') out.pop();
      else if (!absolute) out.push('..');
    } else out.push(part);
  }
  const joined = out.join('/');
  if (absolute) return `/${joined}`;
  return joined === '' ? '.' : joined;
}

/** A path inside a packaged subchart (`charts/x.tgz#templates/y.yaml`): nobody edits it, so no finding points there. */
export function isInArchive(path: string): boolean {
  return /\.tgz#/i.test(path);
}
