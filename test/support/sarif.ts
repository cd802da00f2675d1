import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv from 'ajv-draft-04';
import { REPO_ROOT } from './paths';

const SCHEMA_PATH = join(
  REPO_ROOT,
  'node_modules',
  '@microsoft',
  'jest-sarif',
  'lib',
  'schemas',
  'sarif-2.1.0-rtm.5.json',
);

export function uri(value: string): boolean {
  if (/\s/.test(value)) return false;
  try {
    new URL(value);
    return true;
  } catch {
    return false;
  }
}

function uriReference(value: string): boolean {
  if (/\s/.test(value)) return false;
  try {
    new URL(value, 'file:///base/');
    return true;
  } catch {
    return false;
  }
}

/**
 * The SARIF 2.1.0 schema is draft-04. Its three formats are checked by small validators of our own rather than
 * ignored: an absolute URI, a URI reference (relative allowed), an RFC 3339 date-time. Its `language` pattern
 * (`…-[a-zA-Z]{2}]?$`) has a stray `]` that only non-Unicode regular expressions accept, hence `unicodeRegExp: false`.
 */
function sarifValidator() {
  const ajv = new Ajv({ strict: false, allErrors: true, unicodeRegExp: false });
  ajv.addFormat('uri', uri);
  ajv.addFormat('uri-reference', uriReference);
  ajv.addFormat(
    'date-time',
    (value: string) =>
      /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/i.test(value) &&
      !Number.isNaN(Date.parse(value)),
  );
  return ajv.compile(JSON.parse(readFileSync(SCHEMA_PATH, 'utf8')) as object);
}

/** Validates against the SARIF 2.1.0 schema; `errors` says why not. */
export const validateSarif = sarifValidator();

export function assertValidSarif(log: unknown): void {
  const valid = validateSarif(log);
  assert.ok(valid, `valid SARIF 2.1.0:\n${JSON.stringify(validateSarif.errors?.slice(0, 5), null, 2)}`);
}
