/**
 * Stripe's published OpenAPI document of 2023-08-16 (contracts/stripe/spec3.2023-08-16.yaml, OAS 3.0)
 * compiled with Ajv: the request-body schema of each endpoint the simulator serves. Stripe's request
 * bodies are form-encoded (`line_items[0][price]=...`), so a body is decoded into the nested value the
 * schema describes, with numbers and booleans coerced from their text as Stripe does. Loaded once per
 * test file (jest caches the module per file).
 */
import { readFileSync } from 'node:fs';
import Ajv, { type ValidateFunction } from 'ajv';
import { contractPath } from './contracts';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const yaml = require('js-yaml') as { load(text: string): unknown };

type Json = Record<string, unknown>;
const DOC_ID = 'https://stripe.test/spec3.json';

/** OAS 3.0's `nullable` as JSON Schema (Ajv refuses the keyword otherwise). */
function fixNullable(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(fixNullable);
  if (!node || typeof node !== 'object') return node;
  const out: Json = {};
  for (const [key, value] of Object.entries(node)) out[key] = fixNullable(value);
  if ('nullable' in out) {
    const nullable = out.nullable;
    delete out.nullable;
    if (nullable === true) return { anyOf: [out, { type: 'null' }] };
  }
  return out;
}

let ajv: Ajv | undefined;
let paths: Json | undefined;

function compiler(): Ajv {
  if (ajv) return ajv;
  const document = yaml.load(readFileSync(contractPath('stripe', 'spec3.2023-08-16.yaml'), 'utf8')) as Json;
  paths = document.paths as Json;
  ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false, coerceTypes: true });
  ajv.addSchema({ $id: DOC_ID, components: fixNullable(document.components), paths: fixNullable(paths) });
  return ajv;
}

const pointer = (part: string) => part.replaceAll('~', '~0').replaceAll('/', '~1');
const validators = new Map<string, ValidateFunction>();

/** The form body schema of `POST <path>` in the 2023 document (path as the document writes it). */
function bodySchema(path: string): ValidateFunction {
  let validate = validators.get(path);
  if (!validate) {
    const ref = `${DOC_ID}#/paths/${pointer(path)}/post/requestBody/content/${pointer('application/x-www-form-urlencoded')}/schema`;
    validate = compiler().getSchema(ref);
    if (!validate) throw new Error(`Stripe document has no POST ${path}`);
    validators.set(path, validate);
  }
  return validate;
}

/** Readable violations of a decoded body against `POST <path>` (empty when valid). */
export function stripeRequestViolations(path: string, body: Json): string[] {
  const validate = bodySchema(path);
  // Coercion rewrites the value: validate a copy.
  if (validate(structuredClone(body))) return [];
  return (validate.errors ?? [])
    .slice(0, 5)
    .map((e) => `POST ${path}${e.instancePath || ''} ${e.message ?? 'invalid'} ${JSON.stringify(e.params)}`);
}

/**
 * Stripe's form encoding decoded: `a[b][0][c]=v` → `{ a: { b: [{ c: 'v' }] } }`. Values stay text
 * (the validator coerces them, as Stripe does).
 */
export function decodeStripeForm(text: string): Json {
  const root: Json = {};
  for (const [key, value] of new URLSearchParams(text)) {
    const parts = key.replace(/\]/g, '').split('[');
    let node: Record<string, unknown> | unknown[] = root;
    parts.forEach((part, index) => {
      const last = index === parts.length - 1;
      const slot = part === '' && Array.isArray(node) ? String(node.length) : part;
      const container = node as Record<string, unknown>;
      if (last) {
        container[slot] = value;
        return;
      }
      const nextIsIndex = /^\d*$/.test(parts[index + 1]!);
      container[slot] ??= nextIsIndex ? [] : {};
      node = container[slot] as Record<string, unknown> | unknown[];
    });
  }
  return root;
}
