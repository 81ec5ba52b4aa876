/**
 * OpenAI's published OpenAPI document (contracts/openai/openapi.yaml, OAS 3.1) compiled with Ajv's
 * JSON Schema 2020-12 dialect: the component schemas the simulator checks requests and its own
 * answers against. Loaded once per test file (jest caches the module per file).
 *
 * One adjustment: the document still carries OAS 3.0's `nullable` in places; `nullable: true` becomes
 * a `null` type (or `anyOf [schema, null]` beside `$ref`/`oneOf`), which Ajv refuses otherwise.
 */
import { readFileSync } from 'node:fs';
// Ajv 8 (with the 2020-12 dialect OAS 3.1 uses) is installed for openapi-backend; the top-level
// `ajv` is version 6, which knows no 2020-12.
import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import { contractPath } from './contracts';

// js-yaml (a dependency of the codegen tooling; 5x faster than `yaml` on this 3 MB document), untyped.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const yaml = require('js-yaml') as { load(text: string): unknown };

type Json = Record<string, unknown>;
const DOC_ID = 'https://openai.test/openapi.json';

function fixNullable(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(fixNullable);
  if (!node || typeof node !== 'object') return node;
  const out: Json = {};
  for (const [key, value] of Object.entries(node)) out[key] = fixNullable(value);
  if ('nullable' in out) {
    const nullable = out.nullable;
    delete out.nullable;
    if (nullable === true) {
      if (typeof out.type === 'string') {
        out.type = [out.type, 'null'];
        if (Array.isArray(out.enum) && !out.enum.includes(null)) out.enum = [...out.enum, null];
      } else if (out.type === undefined) {
        return { anyOf: [out, { type: 'null' }] };
      }
    }
  }
  return out;
}

let ajv: Ajv2020 | undefined;

function compiler(): Ajv2020 {
  if (ajv) return ajv;
  const document = yaml.load(readFileSync(contractPath('openai', 'openapi.yaml'), 'utf8')) as Json;
  ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: false });
  ajv.addSchema({ $id: DOC_ID, components: fixNullable(document.components) });
  return ajv;
}

const validators = new Map<string, ValidateFunction>();

/** The document's component schema by name, compiled once. */
export function openAiSchema(name: string): ValidateFunction {
  let validate = validators.get(name);
  if (!validate) {
    validate = compiler().getSchema(`${DOC_ID}#/components/schemas/${name}`);
    if (!validate) throw new Error(`OpenAI document has no schema ${name}`);
    validators.set(name, validate);
  }
  return validate;
}

/** Readable violations of a value against a named schema (empty when valid). */
export function openAiViolations(name: string, value: unknown): string[] {
  const validate = openAiSchema(name);
  if (validate(value)) return [];
  return (validate.errors ?? [])
    .slice(0, 5)
    .map((e) => `${name}${e.instancePath || ''} ${e.message ?? 'invalid'} ${JSON.stringify(e.params)}`);
}
