/**
 * An OpenAI API stand-in that speaks the published document (contracts/openai/openapi.yaml): every
 * POST /v1/chat/completions body is validated against `CreateChatCompletionRequest`, and every
 * answer it gives against `CreateChatCompletionResponse`; failures are recorded in `violations`.
 * It checks the bearer key and the OpenAI-Organization / OpenAI-Project headers, answers chat
 * completions from a script the test enqueues (text, tool calls, or an HTTP error), and serves
 * GET /v1/models and /v1/models/{id}. Every request is recorded for assertions.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { openAiSchema, openAiViolations } from './openai-spec';

export interface OpenAiToolCallScript {
  name: string;
  /** JSON text as the model writes it (an object is serialized). */
  arguments: string | Record<string, unknown>;
  id?: string;
}

export interface OpenAiUsage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
}

/** One scripted answer to the next chat completion. */
export interface OpenAiReplyScript {
  content?: string | null;
  toolCalls?: OpenAiToolCallScript[];
  /** Defaults: prompt tokens from the request's size, completion tokens from the answer's. */
  usage?: { prompt_tokens: number; completion_tokens: number };
  /** The model named in the answer (default: the one asked for). */
  model?: string;
  /** An HTTP error instead of an answer (429, 500, 401, 400...). */
  status?: number;
  /** Seconds, sent as `retry-after` with an error status. */
  retryAfter?: number;
  /** More response headers (OpenAI's `x-ratelimit-*`). */
  headers?: Record<string, string>;
  /** The error's message; may quote the prompt, as OpenAI's sometimes do. */
  errorMessage?: string;
}

export interface OpenAiRequestRecord {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  body: any;
}

export interface OpenAiSimulator {
  /** The base URL for OPENAI_BASE_URL (ends in /v1). */
  baseUrl: string;
  apiKey: string;
  organization: string | undefined;
  project: string | undefined;
  requests: OpenAiRequestRecord[];
  violations: string[];
  /** Models GET /v1/models/{id} knows. */
  models: Set<string>;
  enqueue(...replies: OpenAiReplyScript[]): void;
  /** Bodies of POST /v1/chat/completions, in order. */
  chatRequests(): any[];
  /** The `usage` of every successful chat completion answered, in order. */
  reportedUsage(): OpenAiUsage[];
  /** Forgets requests, violations, usage and any unused script. */
  reset(): void;
  close(): Promise<void>;
}

export async function startOpenAiSimulator(
  options: { apiKey?: string; organization?: string; project?: string; models?: string[] } = {},
): Promise<OpenAiSimulator> {
  const apiKey = options.apiKey ?? 'sk-simulated-openai-key-0001';
  // Compiling the 3 MB document takes seconds on a busy machine: do it before the first request, not
  // inside it, where it would count against the gateway's upstream deadline.
  openAiSchema('CreateChatCompletionRequest');
  openAiSchema('CreateChatCompletionResponse');
  const script: OpenAiReplyScript[] = [];
  const requests: OpenAiRequestRecord[] = [];
  const violations: string[] = [];
  const usage: OpenAiUsage[] = [];
  const models = new Set(options.models ?? ['gpt-4o-mini', 'gpt-4o', 'gpt-4.1-mini', 'gpt-4.1']);
  let sequence = 0;

  const send = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, {
      'content-type': 'application/json',
      'x-request-id': `req_sim_${++sequence}`,
      ...headers,
    });
    res.end(JSON.stringify(body));
  };
  const error = (res: ServerResponse, status: number, message: string, type: string, code: string | null) =>
    send(res, status, { error: { message, type, param: null, code } });

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const raw = await readBody(req);
    let body: any;
    if (raw) {
      try {
        body = JSON.parse(raw);
      } catch {
        violations.push(`${req.method} ${url.pathname}: body is not JSON`);
      }
    }
    requests.push({ method: req.method ?? '', path: url.pathname, headers: req.headers, body });

    // Headers every call carries (the SDK sends them; a hand-written client might forget).
    if (req.headers.authorization !== `Bearer ${apiKey}`) {
      return error(res, 401, 'Incorrect API key provided.', 'invalid_request_error', 'invalid_api_key');
    }
    const header = (name: string) => req.headers[name] as string | undefined;
    if (header('openai-organization') !== options.organization) {
      violations.push(
        `OpenAI-Organization header ${header('openai-organization')} != ${options.organization}`,
      );
    }
    if (header('openai-project') !== options.project) {
      violations.push(`OpenAI-Project header ${header('openai-project')} != ${options.project}`);
    }

    if (req.method === 'GET' && url.pathname === '/v1/models') {
      return send(res, 200, { object: 'list', data: [...models].map(modelObject) });
    }
    const model = /^\/v1\/models\/([^/]+)$/.exec(url.pathname);
    if (req.method === 'GET' && model) {
      const id = decodeURIComponent(model[1]!);
      if (!models.has(id)) {
        return error(
          res,
          404,
          `The model '${id}' does not exist`,
          'invalid_request_error',
          'model_not_found',
        );
      }
      return send(res, 200, modelObject(id));
    }
    if (req.method === 'POST' && url.pathname === '/v1/chat/completions') {
      if (!String(req.headers['content-type']).startsWith('application/json')) {
        violations.push(`chat completion content-type ${req.headers['content-type']}`);
      }
      violations.push(...openAiViolations('CreateChatCompletionRequest', body).map((v) => `request: ${v}`));
      if (body?.stream) violations.push('chat completion asked for streaming');
      const next = script.shift();
      if (!next) {
        violations.push('chat completion with no scripted reply');
        return error(res, 500, 'The simulator has no scripted reply.', 'server_error', null);
      }
      if (next.status) {
        return send(
          res,
          next.status,
          {
            error: {
              message: next.errorMessage ?? `Simulated error ${next.status}`,
              type:
                next.status === 429
                  ? 'requests'
                  : next.status >= 500
                    ? 'server_error'
                    : 'invalid_request_error',
              param: null,
              code: next.status === 429 ? 'rate_limit_exceeded' : null,
            },
          },
          {
            ...(next.retryAfter !== undefined ? { 'retry-after': String(next.retryAfter) } : {}),
            ...next.headers,
          },
        );
      }
      const answer = completion(body, next, ++sequence);
      violations.push(
        ...openAiViolations('CreateChatCompletionResponse', answer).map((v) => `response: ${v}`),
      );
      usage.push(answer.usage);
      return send(res, 200, answer);
    }
    violations.push(`unexpected ${req.method} ${url.pathname}`);
    return error(
      res,
      404,
      `Unknown request URL: ${req.method} ${url.pathname}`,
      'invalid_request_error',
      null,
    );
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      violations.push(`simulator failure: ${String(e)}`);
      if (!res.headersSent) res.writeHead(500).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;

  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    apiKey,
    organization: options.organization,
    project: options.project,
    requests,
    violations,
    models,
    enqueue: (...replies) => void script.push(...replies),
    chatRequests: () =>
      requests.filter((r) => r.method === 'POST' && r.path === '/v1/chat/completions').map((r) => r.body),
    reportedUsage: () => [...usage],
    reset() {
      script.length = 0;
      requests.length = 0;
      violations.length = 0;
      usage.length = 0;
    },
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function modelObject(id: string) {
  return { id, object: 'model', created: 1_700_000_000, owned_by: 'system' };
}

/** A CreateChatCompletionResponse for a scripted reply, with deterministic token counts. */
function completion(request: any, reply: OpenAiReplyScript, n: number) {
  const toolCalls = (reply.toolCalls ?? []).map((call, i) => ({
    id: call.id ?? `call_sim_${n}_${i}`,
    type: 'function' as const,
    function: {
      name: call.name,
      arguments: typeof call.arguments === 'string' ? call.arguments : JSON.stringify(call.arguments),
    },
  }));
  const content = reply.content ?? null;
  const prompt = reply.usage?.prompt_tokens ?? Math.ceil(JSON.stringify(request?.messages ?? []).length / 4);
  const completionTokens =
    reply.usage?.completion_tokens ??
    Math.max(1, Math.ceil(((content ?? '') + JSON.stringify(toolCalls)).length / 4));
  return {
    id: `chatcmpl-sim${n}`,
    object: 'chat.completion' as const,
    created: Math.floor(Date.now() / 1000),
    model: reply.model ?? String(request?.model ?? 'gpt-4o-mini'),
    choices: [
      {
        index: 0,
        finish_reason: toolCalls.length ? 'tool_calls' : 'stop',
        logprobs: null,
        message: {
          role: 'assistant' as const,
          content,
          refusal: null,
          ...(toolCalls.length ? { tool_calls: toolCalls } : {}),
        },
      },
    ],
    usage: {
      prompt_tokens: prompt,
      completion_tokens: completionTokens,
      total_tokens: prompt + completionTokens,
    },
  };
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
