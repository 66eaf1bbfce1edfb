// SARIF 2.1.0 validation for the check tests: the OASIS schema as @microsoft/jest-sarif ships it (draft-04, hence
// ajv-draft-04; its language-tag pattern is not a valid unicode RegExp, hence unicodeRegExp: false).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import Ajv from 'ajv-draft-04';
import addFormats from 'ajv-formats';

const schemaFile = createRequire(import.meta.url).resolve('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json');
const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false });
addFormats(ajv);
const validate = ajv.compile(JSON.parse(readFileSync(schemaFile, 'utf8')) as object);

/** The schema's complaints about a SARIF log, one line each ("/runs/0/results/3/level must be equal to one of …"); none when valid. */
export function sarifErrors(log: unknown): string[] {
  return validate(log) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? 'is invalid'}`);
}
