/**
 * AI core on both engines (PGlite, and PostgreSQL with DATABASE_URL): AiService.complete against an
 * OpenAI simulator that validates every request against OpenAI's published document; usage rows,
 * the daily budget, the organization's switch, settings validation and audit, usage by model, and
 * OpenAI's errors in the gateway's codes. No shopper text and no instruction text reaches the logs.
 */
import { Writable } from 'node:stream';
import { AiService } from '../src/ai/ai.service';
import { AiSettingsRepo } from '../src/ai/ai-settings.repo';
import { AiUsageRepo } from '../src/ai/ai-usage.repo';
import { loadConfig } from '../src/config/config';
import { isGatewayError } from '../src/errors/gateway-error';
import { configuredSecrets, createLogger } from '../src/observability/logger';
import { newOrgId, startTestGateway, TEST_JWT_SECRET, type TestGateway } from './support/harness';
import { startOpenAiSimulator, type OpenAiSimulator } from './support/openai-simulator';

const ENGINE = process.env.TEST_DATABASE_URL || process.env.DATABASE_URL ? 'PostgreSQL' : 'PGlite';

// Markers that must never appear in a log line.
const SHOPPER_TEXT = 'SHOPPER-SECRET-where-is-my-parcel-4711';
const INSTRUCTIONS = 'INSTRUCTION-SECRET: we sell red sneakers.\nNever promise refunds.\tBe brief.';

let gw: TestGateway;
let openai: OpenAiSimulator;
const lines: string[] = [];
const orgA = newOrgId();
const orgB = newOrgId();
let adminA: string;
let memberA: string;
let adminB: string;

const services = () => gw.gateway.services;
const usageRows = (org: string) =>
  gw.db('ai_usage').where({ organization_id: org }).orderBy('created_at') as Promise<
    Array<{
      input_tokens: number;
      output_tokens: number;
      model: string;
      request_id: string;
      conversation_id: string | null;
    }>
  >;
const complete = (organizationId: string, text = SHOPPER_TEXT, conversationId: string | null = null) =>
  services().ai.complete({
    organizationId,
    conversationId,
    requestId: `req-${Math.random().toString(36).slice(2)}`,
    logger: services().logger,
    messages: [
      { role: 'system', content: INSTRUCTIONS },
      { role: 'user', content: text },
    ],
  });
const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => {
      throw new Error('expected a failure');
    },
    (error: unknown) => {
      if (!isGatewayError(error)) throw error;
      return { code: error.code, message: error.message, extensions: error.extensions };
    },
  );

const SETTINGS = `query { organization { aiSettings { enabled model allowedModels temperature maxOutputTokens
  autoReplyChannels dailyTokenBudget tokensUsedToday } } }`;
const UPDATE = `mutation U($input: AiSettingsInput!) { updateAiSettings(input: $input) { settings {
  enabled instructions model temperature maxOutputTokens autoReplyChannels dailyTokenBudget } } }`;
const USAGE = `query U($period: AiUsagePeriod) { organization { aiUsage(period: $period) {
  period inputTokens outputTokens requests byModel { model inputTokens outputTokens requests } } } }`;

beforeAll(async () => {
  openai = await startOpenAiSimulator({ organization: 'org-sim-123', project: 'proj_sim_456' });
  const env = {
    OPENAI_API_KEY: openai.apiKey,
    OPENAI_BASE_URL: openai.baseUrl,
    OPENAI_ORG_ID: 'org-sim-123',
    OPENAI_PROJECT_ID: 'proj_sim_456',
    AI_DAILY_TOKEN_BUDGET_MAX: '500000',
  };
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      done();
    },
  });
  const secrets = configuredSecrets(
    loadConfig({ NODE_ENV: 'test', AUTH_JWT_SECRET: TEST_JWT_SECRET, ...env }),
  );
  gw = await startTestGateway(env, { logger: createLogger('debug', sink, { secrets }) });
  adminA = await gw.token(orgA, 'admin', 'alice');
  memberA = await gw.token(orgA, 'member', 'mia');
  adminB = await gw.token(orgB, 'admin', 'bob');
  // Organizations exist once they made a request.
  await gw.graphql('{ viewer { orgId } }', {}, adminA);
  await gw.graphql('{ viewer { orgId } }', {}, adminB);
  const { body } = await gw.graphql(UPDATE, { input: { instructions: INSTRUCTIONS } }, adminA);
  expect(body.errors).toBeUndefined();
});
afterAll(async () => {
  await gw?.close();
  await openai?.close();
});
afterEach(() => {
  const violations = [...openai.violations];
  openai.reset();
  expect(violations).toEqual([]);
});

describe(`AI core (${ENGINE})`, () => {
  test('complete() sends a request valid against the document and records usage rows that sum to what OpenAI reported', async () => {
    openai.enqueue({ content: 'First answer.', usage: { prompt_tokens: 120, completion_tokens: 30 } });
    openai.enqueue({
      toolCalls: [{ name: 'order_status', arguments: { orderName: '#1001' } }],
      usage: { prompt_tokens: 95, completion_tokens: 12 },
    });
    const first = await complete(orgB);
    expect(first).toEqual({
      message: { content: 'First answer.', toolCalls: [] },
      usage: { inputTokens: 120, outputTokens: 30 },
      model: 'gpt-4o-mini',
    });
    const second = await services().ai.complete({
      organizationId: orgB,
      requestId: 'req-tools',
      logger: services().logger,
      messages: [
        { role: 'system', content: INSTRUCTIONS },
        { role: 'user', content: SHOPPER_TEXT },
        {
          role: 'assistant',
          content: null,
          toolCalls: [{ id: 'call_1', name: 'order_status', arguments: '{}' }],
        },
        { role: 'tool', toolCallId: 'call_1', content: '{"found":false}' },
      ],
      tools: [
        {
          name: 'order_status',
          description: 'Status of an order by name',
          parameters: {
            type: 'object',
            properties: { orderName: { type: 'string' } },
            required: ['orderName'],
          },
        },
      ],
    });
    expect(second.message.toolCalls).toEqual([
      { id: expect.any(String), name: 'order_status', arguments: '{"orderName":"#1001"}' },
    ]);

    // What was sent: the platform's settings, the key and the organization/project headers.
    const [request, toolRequest] = openai.chatRequests();
    expect(request).toMatchObject({ model: 'gpt-4o-mini', temperature: 0.3, max_completion_tokens: 500 });
    expect(request.messages).toEqual([
      { role: 'system', content: INSTRUCTIONS },
      { role: 'user', content: SHOPPER_TEXT },
    ]);
    expect(toolRequest.tools[0]).toMatchObject({ type: 'function', function: { name: 'order_status' } });
    expect(toolRequest.messages[3]).toEqual({
      role: 'tool',
      tool_call_id: 'call_1',
      content: '{"found":false}',
    });
    expect(openai.requests[0]!.headers['openai-organization']).toBe('org-sim-123');
    expect(openai.requests[0]!.headers['openai-project']).toBe('proj_sim_456');

    const reported = openai.reportedUsage();
    const rows = await usageRows(orgB);
    expect(rows).toHaveLength(2);
    expect(rows.map((r) => r.request_id)).toContain('req-tools');
    expect(rows.reduce((n, r) => n + r.input_tokens, 0)).toBe(
      reported.reduce((n, u) => n + u.prompt_tokens, 0),
    );
    expect(rows.reduce((n, r) => n + r.output_tokens, 0)).toBe(
      reported.reduce((n, u) => n + u.completion_tokens, 0),
    );
  });

  test('usage is kept with its conversation', async () => {
    await services().conversations.ingest({
      organizationId: orgA,
      channel: 'messenger',
      accountKey: '100000000000001',
      fact: {
        type: 'message',
        providerMessageId: 'm_ai_core_1',
        contactId: '7300000000000001',
        text: 'hi',
        at: new Date(),
      },
    });
    const conversation = await gw.db('conversations').where({ organization_id: orgA }).first();
    openai.enqueue({ content: 'Hello!', usage: { prompt_tokens: 10, completion_tokens: 2 } });
    await complete(orgA, SHOPPER_TEXT, conversation.id);
    const rows = await usageRows(orgA);
    expect(rows.at(-1)).toMatchObject({
      conversation_id: conversation.id,
      input_tokens: 10,
      output_tokens: 2,
    });
  });

  test("the daily budget refuses with RATE_LIMITED before any call once today's tokens reach it", async () => {
    const org = newOrgId();
    const admin = await gw.token(org, 'admin');
    await gw.graphql('{ viewer { orgId } }', {}, admin);
    const set = await gw.graphql(UPDATE, { input: { dailyTokenBudget: 150 } }, admin);
    expect(set.body.data.updateAiSettings.settings.dailyTokenBudget).toBe(150);

    // Under the budget (0 used): the call goes, and ends past it (100 + 60).
    openai.enqueue({ content: 'ok', usage: { prompt_tokens: 100, completion_tokens: 60 } });
    await complete(org);
    const refused = await failure(complete(org));
    expect(refused.code).toBe('RATE_LIMITED');
    expect(refused.extensions.retryAfterMs).toBeGreaterThan(0);
    expect(refused.extensions.retryAfterMs).toBeLessThanOrEqual(24 * 3600 * 1000);
    expect(openai.chatRequests()).toHaveLength(1);
    expect(await usageRows(org)).toHaveLength(1);

    const { body } = await gw.graphql(SETTINGS, {}, admin);
    expect(body.data.organization.aiSettings).toMatchObject({ dailyTokenBudget: 150, tokensUsedToday: 160 });

    // Yesterday's tokens do not count.
    await gw
      .db('ai_usage')
      .where({ organization_id: org })
      .update({ created_at: new Date(Date.now() - 86_400_000) });
    openai.enqueue({ content: 'ok again', usage: { prompt_tokens: 5, completion_tokens: 5 } });
    await expect(complete(org)).resolves.toMatchObject({ message: { content: 'ok again' } });
  });

  test('an organization that turned AI off is refused with no call; the OpenAI card shows it', async () => {
    const org = newOrgId();
    const admin = await gw.token(org, 'admin');
    await gw.graphql('{ viewer { orgId } }', {}, admin);
    const off = await gw.graphql(UPDATE, { input: { enabled: false } }, admin);
    expect(off.body.data.updateAiSettings.settings.enabled).toBe(false);
    const refused = await failure(complete(org));
    expect(refused).toMatchObject({
      code: 'BAD_USER_INPUT',
      message: 'AI is turned off for this organization.',
    });
    expect(openai.chatRequests()).toHaveLength(0);

    const card = await gw.graphql(
      `{ organization { integration(provider: OPENAI) { ... on OpenAIIntegration { configured enabled
        usage { inputTokens outputTokens requests } } } } }`,
      {},
      admin,
    );
    expect(card.body.errors).toBeUndefined();
    expect(card.body.data.organization.integration).toEqual({
      configured: true,
      enabled: false,
      usage: { inputTokens: 0, outputTokens: 0, requests: 0 },
    });
  });

  test('settings: defaults, validation before anything is stored, admins only, audited without the instructions', async () => {
    const defaults = await gw.graphql(SETTINGS, {}, adminB);
    expect(defaults.body.data.organization.aiSettings).toMatchObject({
      enabled: true,
      model: 'gpt-4o-mini',
      temperature: 0.3,
      maxOutputTokens: 500,
      autoReplyChannels: [],
      dailyTokenBudget: 200000,
    });
    expect(defaults.body.data.organization.aiSettings.allowedModels).toContain('gpt-4o');

    const refusals: Array<[Record<string, unknown>, string]> = [
      [{ instructions: 'x'.repeat(4001) }, 'instructions'],
      [{ instructions: 'bell \u0007 here' }, 'instructions'],
      [{ model: 'gpt-5-ultra' }, 'model'],
      [{ temperature: 1.5 }, 'temperature'],
      [{ temperature: -0.1 }, 'temperature'],
      [{ maxOutputTokens: 2001 }, 'maxOutputTokens'],
      [{ maxOutputTokens: 0 }, 'maxOutputTokens'],
      [{ dailyTokenBudget: 500001 }, 'dailyTokenBudget'],
    ];
    for (const [input, field] of refusals) {
      const { body } = await gw.graphql(UPDATE, { input: { enabled: false, ...input } }, adminB);
      expect(body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
    }
    // Nothing stored by a refused change (its `enabled: false` included).
    expect(await gw.db('ai_settings').where({ organization_id: orgB })).toHaveLength(0);
    const [refusedAudit] = await gw.auditLog(adminB, 1, 'action outcome errorCode provider');
    expect(refusedAudit).toEqual({
      action: 'ai.settings.update',
      outcome: 'ERROR',
      errorCode: 'BAD_USER_INPUT',
      provider: 'OPENAI',
    });

    const ok = await gw.graphql(
      UPDATE,
      {
        input: {
          model: 'gpt-4o',
          temperature: 0.7,
          maxOutputTokens: 800,
          autoReplyChannels: ['WHATSAPP', 'MESSENGER', 'WHATSAPP'],
          dailyTokenBudget: 1000,
          instructions: 'Line one\n\tindented',
        },
      },
      adminB,
    );
    expect(ok.body.errors).toBeUndefined();
    expect(ok.body.data.updateAiSettings.settings).toEqual({
      enabled: true,
      instructions: 'Line one\n\tindented',
      model: 'gpt-4o',
      temperature: 0.7,
      maxOutputTokens: 800,
      autoReplyChannels: ['WHATSAPP', 'MESSENGER'],
      dailyTokenBudget: 1000,
    });
    // A partial change keeps the rest.
    const partial = await gw.graphql(UPDATE, { input: { temperature: 0 } }, adminB);
    expect(partial.body.data.updateAiSettings.settings).toMatchObject({ model: 'gpt-4o', temperature: 0 });

    const rows = await gw.db('audit_log').where({ organization_id: orgB, action: 'ai.settings.update' });
    expect(rows.length).toBeGreaterThanOrEqual(2);
    expect(JSON.stringify(rows)).not.toContain('Line one');

    // A member reads the settings but not the instructions, and cannot change anything.
    const member = await gw.graphql(SETTINGS, {}, memberA);
    expect(member.body.errors).toBeUndefined();
    const hidden = await gw.graphql('{ organization { aiSettings { instructions } } }', {}, memberA);
    expect(hidden.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const denied = await gw.graphql(UPDATE, { input: { enabled: false } }, memberA);
    expect(denied.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const [deniedAudit] = await gw.auditLog(adminA, 1, 'action outcome');
    expect(deniedAudit).toEqual({ action: 'ai.settings.update', outcome: 'DENIED' });
    expect((await services().ai.settings(orgA)).enabled).toBe(true);
  });

  test('aiUsage totals by model for a period; older rows fall out of it', async () => {
    const org = newOrgId();
    const admin = await gw.token(org, 'admin');
    await gw.graphql('{ viewer { orgId } }', {}, admin);
    openai.enqueue(
      { content: 'a', model: 'gpt-4o-mini-2024-07-18', usage: { prompt_tokens: 10, completion_tokens: 1 } },
      { content: 'b', model: 'gpt-4o-mini-2024-07-18', usage: { prompt_tokens: 20, completion_tokens: 2 } },
      { content: 'c', model: 'gpt-4o-2024-08-06', usage: { prompt_tokens: 40, completion_tokens: 4 } },
    );
    await complete(org);
    await complete(org);
    await complete(org);
    await gw.db('ai_usage').insert({
      organization_id: org,
      request_id: 'old',
      model: 'gpt-4o-2024-08-06',
      input_tokens: 1000,
      output_tokens: 1000,
      created_at: new Date(Date.now() - 40 * 86_400_000),
    });
    const today = await gw.graphql(USAGE, { period: 'TODAY' }, admin);
    expect(today.body.data.organization.aiUsage).toEqual({
      period: 'TODAY',
      inputTokens: 70,
      outputTokens: 7,
      requests: 3,
      byModel: [
        { model: 'gpt-4o-2024-08-06', inputTokens: 40, outputTokens: 4, requests: 1 },
        { model: 'gpt-4o-mini-2024-07-18', inputTokens: 30, outputTokens: 3, requests: 2 },
      ],
    });
    const week = await gw.graphql(USAGE, { period: 'LAST_7_DAYS' }, admin);
    expect(week.body.data.organization.aiUsage.inputTokens).toBe(70);
    // Another organization sees its own usage only.
    const other = await gw.graphql(USAGE, { period: 'THIS_MONTH' }, memberA);
    expect(other.body.data.organization.aiUsage.byModel.map((m: { model: string }) => m.model)).not.toContain(
      'gpt-4o-2024-08-06',
    );
  });

  test("OpenAI's 429, 5xx, 401 and 400 in the gateway's codes, no usage row, no upstream text", async () => {
    const org = newOrgId();
    const admin = await gw.token(org, 'admin');
    await gw.graphql('{ viewer { orgId } }', {}, admin);
    openai.enqueue(
      { status: 429, retryAfter: 2 },
      {
        status: 429,
        headers: {
          'x-ratelimit-remaining-requests': '12',
          'x-ratelimit-reset-requests': '1s',
          'x-ratelimit-remaining-tokens': '0',
          'x-ratelimit-reset-tokens': '6m0.5s',
        },
      },
      { status: 503 },
      { status: 401 },
      { status: 400, errorMessage: `Invalid content: '${SHOPPER_TEXT}'` },
    );
    const limited = await failure(complete(org));
    expect(limited).toMatchObject({ code: 'UPSTREAM_RATE_LIMITED', extensions: { retryAfterMs: 2000 } });
    // Without retry-after: the reset of the budget OpenAI says is exhausted (tokens here).
    const limitedTokens = await failure(complete(org));
    expect(limitedTokens).toMatchObject({
      code: 'UPSTREAM_RATE_LIMITED',
      extensions: { retryAfterMs: 360_500 },
    });
    expect((await failure(complete(org))).code).toBe('UPSTREAM_UNAVAILABLE');
    expect((await failure(complete(org))).code).toBe('UPSTREAM_AUTH_FAILED');
    const bad = await failure(complete(org));
    expect(bad.code).toBe('UPSTREAM_ERROR');
    expect(bad.message).not.toContain(SHOPPER_TEXT);
    // One attempt each: the SDK does not retry behind the gateway's back.
    expect(openai.chatRequests()).toHaveLength(5);
    expect(await usageRows(org)).toHaveLength(0);
  });

  test('testIntegration proves the platform key with a cheap model lookup', async () => {
    const connect = await gw.graphql(
      'mutation { connectIntegration(input: { openai: {} }) { integration { __typename } } }',
      {},
      adminA,
    );
    expect(connect.body.errors).toBeUndefined();
    const { body } = await gw.graphql(
      'mutation { testIntegration(provider: OPENAI) { integration { ... on OpenAIIntegration { status errorMessage } } } }',
      {},
      adminA,
    );
    expect(body.errors).toBeUndefined();
    expect(body.data.testIntegration.integration).toEqual({ status: 'CONNECTED', errorMessage: null });
    expect(openai.requests.at(-1)).toMatchObject({ method: 'GET', path: '/v1/models/gpt-4o-mini' });
  });

  test('OpenAI unreachable is UPSTREAM_UNAVAILABLE', async () => {
    const config = loadConfig({
      NODE_ENV: 'test',
      OPENAI_API_KEY: 'sk-x',
      OPENAI_BASE_URL: 'http://127.0.0.1:9/v1',
    });
    const ai = new AiService(config, new AiSettingsRepo(gw.db), new AiUsageRepo(gw.db));
    const refused = await failure(
      ai.complete({
        organizationId: orgA,
        requestId: 'r',
        logger: services().logger,
        messages: [{ role: 'user', content: 'hi' }],
      }),
    );
    expect(refused.code).toBe('UPSTREAM_UNAVAILABLE');
  });

  test('without OPENAI_API_KEY complete() is PROVIDER_NOT_CONFIGURED', async () => {
    const config = loadConfig({ NODE_ENV: 'test' });
    const ai = new AiService(config, new AiSettingsRepo(gw.db), new AiUsageRepo(gw.db));
    const refused = await failure(
      ai.complete({ organizationId: orgA, requestId: 'r', logger: services().logger, messages: [] }),
    );
    expect(refused.code).toBe('PROVIDER_NOT_CONFIGURED');
    expect(refused.message).toContain('OPENAI_API_KEY');
  });

  test('the simulator records a request the document refuses (so a clean run means valid requests)', async () => {
    openai.enqueue({ content: 'x' });
    const res = await fetch(`${openai.baseUrl}/chat/completions`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${openai.apiKey}`,
        'content-type': 'application/json',
        'openai-organization': 'org-sim-123',
        'openai-project': 'proj_sim_456',
      },
      body: JSON.stringify({
        model: 'gpt-4o-mini',
        temperature: 7,
        messages: [{ role: 'shopper', content: 'hi' }],
      }),
    });
    expect(res.status).toBe(200);
    const found = openai.violations.splice(0);
    expect(found.some((v) => v.includes('/temperature'))).toBe(true);
    expect(found.some((v) => v.includes('/messages/0'))).toBe(true);
  });

  test('no shopper text and no instruction text in the logs', () => {
    expect(lines.some((line) => line.includes('ai completion'))).toBe(true);
    const leaks = lines.filter(
      (line) =>
        line.includes('SHOPPER-SECRET') || line.includes('INSTRUCTION-SECRET') || line.includes('Line one'),
    );
    expect(leaks).toEqual([]);
  });
});
