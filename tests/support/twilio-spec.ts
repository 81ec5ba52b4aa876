/**
 * Twilio's published OpenAPI documents (contracts/twilio/: REST API 2010-04-01, Content v1 and v2,
 * Messaging v1) loaded into openapi-backend, which validates requests (method, path, parameters,
 * form bodies) and the simulator's own answers with Ajv. Built once per test file.
 *
 * Adjustments that make the documents usable by openapi-backend and Ajv:
 * - openapi-backend validates only `application/json` bodies: each form-encoded request body is also
 *   offered as `application/json`, and the simulator passes the form's fields, typed by the schema
 *   (see {@link typedForm}).
 * - `nullable: true` without `type` becomes `anyOf: [schema, {type: 'null'}]` (Ajv refuses it).
 * - Twilio's own formats (`phone-number`, `date-time-rfc-2822`, `http-method`, …) are declared; a
 *   `phone-number` also accepts a channel address such as `whatsapp:+14155238886`, as the `To`
 *   parameter's description says.
 */
import { readFileSync } from 'node:fs';
import OpenAPIBackend from 'openapi-backend';
import { contractPath } from './contracts';

// Same stand-in as klaviyo-spec.ts: openapi-backend's quick mode never awaits this ES module.
jest.mock('@apidevtools/json-schema-ref-parser', () => {
  const unused = async () => {
    throw new Error('json-schema-ref-parser is not used in quick mode');
  };
  return {
    __esModule: true,
    default: { parse: async (document: unknown) => document, dereference: unused, resolve: unused },
  };
});

type Json = Record<string, unknown>;

export const TWILIO_DOCUMENTS = [
  'twilio_api_v2010.json',
  'twilio_content_v1.json',
  'twilio_content_v2.json',
  'twilio_messaging_v1.json',
] as const;

const FORM = 'application/x-www-form-urlencoded';

function fixNullable(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(fixNullable);
  if (!node || typeof node !== 'object') return node;
  const out: Json = {};
  for (const [key, value] of Object.entries(node)) out[key] = fixNullable(value);
  if ('nullable' in out && !('type' in out)) {
    const { nullable, description: _d, example: _e, readOnly: _r, ...rest } = out;
    if (Object.keys(rest).length === 0) return {};
    return nullable ? { anyOf: [rest, { type: 'null' }] } : rest;
  }
  return out;
}

/** Form bodies are also declared as JSON, so openapi-backend validates them. */
function aliasFormContent(document: Json): void {
  for (const item of Object.values(document.paths as Record<string, Json>)) {
    for (const op of Object.values(item)) {
      const body = (op as { requestBody?: { content?: Json } } | null)?.requestBody?.content;
      if (body?.[FORM] && !body['application/json']) body['application/json'] = body[FORM];
    }
  }
}

const PHONE = /^(?:[a-z]+:)?\+?[0-9A-Za-z.@_-]{2,}$/;
const anyUrl = (value: string) => {
  try {
    return Boolean(new URL(value, 'https://api.twilio.com'));
  } catch {
    return false;
  }
};

export interface TwilioApi {
  file: string;
  api: OpenAPIBackend;
  document: Json;
}

let apis: Promise<TwilioApi[]> | undefined;

/** One validator per document, built once. */
export function twilioApis(): Promise<TwilioApi[]> {
  apis ??= Promise.all(
    TWILIO_DOCUMENTS.map(async (file) => {
      const document = JSON.parse(readFileSync(contractPath('twilio', file), 'utf8')) as Json;
      document.paths = fixNullable(document.paths);
      document.components = fixNullable(document.components);
      aliasFormContent(document);
      const api = new OpenAPIBackend({
        definition: document as never,
        quick: true,
        validate: true,
        strict: false,
        customizeAjv: (ajv) => {
          ajv.addFormat('date-time', (v: string) => !Number.isNaN(Date.parse(v)));
          ajv.addFormat('date-time-rfc-2822', (v: string) => !Number.isNaN(Date.parse(v)));
          ajv.addFormat('date', /^\d{4}-\d{2}-\d{2}$/);
          ajv.addFormat('uri', anyUrl);
          ajv.addFormat('uri-map', true);
          ajv.addFormat('phone-number', PHONE);
          ajv.addFormat('phone-number-capabilities', true);
          ajv.addFormat('http-method', /^(?:GET|POST|PUT|PATCH|DELETE|HEAD)$/i);
          ajv.addFormat('currency', /^[A-Za-z]{3}$/);
          ajv.addFormat('iso-country-code', /^[A-Z]{2}$/);
          for (const name of ['endpoint', 'ice-server', 'twiml', 'int32', 'int64', 'binary'])
            ajv.addFormat(name, true);
          return ajv;
        },
      });
      await api.init();
      return { file, api, document };
    }),
  );
  return apis;
}

/**
 * The form's fields typed by the operation's body schema: Twilio's forms carry text only, so an
 * integer, number or boolean field is read as one (a value that is not one stays text and fails the
 * schema), an array field collects every repeated value.
 */
export function typedForm(document: Json, operationBody: unknown, form: URLSearchParams): Json {
  const schema = resolve(
    document,
    (operationBody as { content?: Record<string, { schema?: unknown }> })?.content?.[FORM]?.schema,
  );
  const properties = ((schema as Json | undefined)?.properties ?? {}) as Record<string, unknown>;
  const out: Json = {};
  for (const name of new Set(form.keys())) {
    const values = form.getAll(name);
    const property = resolve(document, properties[name]) as Json | undefined;
    const type = property?.type;
    const typed = (value: string, t: unknown): unknown => {
      if (t === 'integer' || t === 'number')
        return value !== '' && !Number.isNaN(Number(value)) ? Number(value) : value;
      if (t === 'boolean') return value === 'true' ? true : value === 'false' ? false : value;
      return value;
    };
    out[name] =
      type === 'array'
        ? values.map((v) => typed(v, (resolve(document, property?.items) as Json | undefined)?.type))
        : typed(values[values.length - 1]!, type);
  }
  return out;
}

function resolve(document: Json, node: unknown): unknown {
  let current = node;
  for (let i = 0; i < 10 && current && typeof current === 'object' && '$ref' in current; i++) {
    const ref = String((current as { $ref: string }).$ref);
    current = ref
      .replace(/^#\//, '')
      .split('/')
      .reduce<unknown>((at, key) => (at as Json | undefined)?.[key], document);
  }
  return current;
}
