/**
 * Klaviyo's published OpenAPI document (revision 2026-07-15) loaded into openapi-backend, which
 * validates requests (method, path, parameters incl. the required `revision` header, query, body) and
 * responses with Ajv. Loaded once per test file (the module is cached by jest per file).
 *
 * Three adjustments make the 3.0 document usable by Ajv:
 * - `nullable: true` on a schema without `type` (beside `$ref`, `oneOf`, `allOf`) becomes
 *   `anyOf: [schema, {type: 'null'}]`; Ajv refuses `nullable` without `type`.
 * - openapi-backend only validates `application/json` bodies; Klaviyo's media type is
 *   `application/vnd.api+json`, so each such content entry is also offered as `application/json`.
 * - `oneOf` becomes `anyOf` (see fixNullable): some of the document's `oneOf`s can never be satisfied.
 */
import { readFileSync } from 'node:fs';
import OpenAPIBackend from 'openapi-backend';
import { contractPath } from './contracts';

// openapi-backend requires @apidevtools/json-schema-ref-parser, an ES module jest cannot `require`
// on Node 20. In `quick` mode with an object document openapi-backend dereferences synchronously with
// another library and never awaits the parser, so a stand-in is enough.
jest.mock('@apidevtools/json-schema-ref-parser', () => {
  const unused = async () => {
    throw new Error('json-schema-ref-parser is not used in quick mode');
  };
  return {
    __esModule: true,
    default: { parse: async (document: unknown) => document, dereference: unused, resolve: unused },
  };
});

export const KLAVIYO_SPEC_PATH = contractPath('klaviyo', 'stable.json');

type Json = Record<string, unknown>;

export function loadKlaviyoDocument(): Json {
  return JSON.parse(readFileSync(KLAVIYO_SPEC_PATH, 'utf8')) as Json;
}

function fixNullable(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(fixNullable);
  if (!node || typeof node !== 'object') return node;
  const out: Json = {};
  for (const [key, value] of Object.entries(node)) out[key] = fixNullable(value);
  // Klaviyo's document uses `oneOf` without discriminators where alternatives overlap (campaign
  // `send_options` is one of three identical schemas, so no value can match exactly one); `anyOf`
  // keeps every alternative's rules without that impossibility.
  if (Array.isArray(out.oneOf)) {
    out.anyOf = out.oneOf;
    delete out.oneOf;
  }
  if ('nullable' in out && !('type' in out)) {
    const { nullable, description: _d, example: _e, readOnly: _r, ...rest } = out;
    if (Object.keys(rest).length === 0) return {};
    return nullable ? { anyOf: [rest, { type: 'null' }] } : rest;
  }
  return out;
}

function aliasJsonApiContent(document: Json): void {
  for (const item of Object.values(document.paths as Record<string, Json>)) {
    for (const op of Object.values(item)) {
      if (!op || typeof op !== 'object') continue;
      const operation = op as {
        requestBody?: { content?: Json };
        responses?: Record<string, { content?: Json }>;
      };
      const body = operation.requestBody?.content;
      if (body?.['application/vnd.api+json']) body['application/json'] = body['application/vnd.api+json'];
      for (const response of Object.values(operation.responses ?? {})) {
        const content = response.content;
        if (content?.['application/vnd.api+json'])
          content['application/json'] = content['application/vnd.api+json'];
      }
    }
  }
}

const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:?\d{2})$/;

let backend: Promise<OpenAPIBackend> | undefined;

/** The validator, built once. */
export function klaviyoApi(): Promise<OpenAPIBackend> {
  backend ??= (async () => {
    const document = loadKlaviyoDocument();
    document.paths = fixNullable(document.paths);
    document.components = fixNullable(document.components);
    aliasJsonApiContent(document);
    const api = new OpenAPIBackend({
      definition: document as never,
      quick: true,
      validate: true,
      strict: false,
      customizeAjv: (ajv) => {
        ajv.addFormat('date-time', DATE_TIME);
        ajv.addFormat('date', /^\d{4}-\d{2}-\d{2}$/);
        ajv.addFormat('time', /^\d{2}:\d{2}(:\d{2})?/);
        ajv.addFormat('binary', true);
        ajv.addFormat('uri', (value: string) => {
          try {
            return Boolean(new URL(value));
          } catch {
            return false;
          }
        });
        return ajv;
      },
    });
    await api.init();
    return api;
  })();
  return backend;
}
