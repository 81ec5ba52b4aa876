import OpenAI from 'openai';
import type {
  ChatCompletionCreateParamsNonStreaming,
  ChatCompletionMessageParam,
  ChatCompletionTool,
} from 'openai/resources/chat/completions';
import type { AiCompletion, AiMessage, AiTool } from '../../ai/ai.types';
import { toGatewayError } from './openai.errors';

export interface OpenAiEnv {
  apiKey: string | undefined;
  organization: string | undefined;
  project: string | undefined;
  baseURL: string | undefined;
  /** The platform's default model (AI_MODEL). */
  model: string;
}

export interface ChatRequest {
  model: string;
  temperature: number;
  maxOutputTokens: number;
  messages: AiMessage[];
  tools?: AiTool[] | undefined;
}

/**
 * The platform's OpenAI account through the official SDK. One retry layer: the SDK's own retries
 * are off (`maxRetries: 0`) and its errors are mapped like every provider's; whoever called decides
 * (a person retries a draft, the job queue retries an automatic reply with backoff). Two layers
 * would multiply attempts, and each attempt may be billed.
 */
export class OpenAiDataSource {
  private readonly client: OpenAI;
  readonly platformModel: string;

  constructor(env: OpenAiEnv, options: { timeoutMs: number }) {
    this.platformModel = env.model;
    this.client = new OpenAI({
      apiKey: env.apiKey ?? '',
      organization: env.organization ?? null,
      project: env.project ?? null,
      // Without OPENAI_BASE_URL, OpenAI's own; never the SDK's reading of process.env.
      baseURL: env.baseURL ?? 'https://api.openai.com/v1',
      maxRetries: 0,
      timeout: options.timeoutMs,
    });
  }

  /** One chat completion (no streaming). */
  async chat(request: ChatRequest): Promise<AiCompletion> {
    const body: ChatCompletionCreateParamsNonStreaming = {
      model: request.model,
      messages: request.messages.map(toOpenAiMessage),
      temperature: request.temperature,
      max_completion_tokens: request.maxOutputTokens,
      ...(request.tools?.length
        ? { tools: request.tools.map(toOpenAiTool), tool_choice: 'auto' as const }
        : {}),
    };
    let response;
    try {
      response = await this.client.chat.completions.create(body);
    } catch (error) {
      throw toGatewayError(error, 'chat completion');
    }
    const message = response.choices[0]?.message;
    const toolCalls = (message?.tool_calls ?? []).flatMap((call) =>
      call.type === 'function'
        ? [{ id: call.id, name: call.function.name, arguments: call.function.arguments }]
        : [],
    );
    return {
      message: { content: message?.content ?? null, toolCalls },
      usage: {
        inputTokens: response.usage?.prompt_tokens ?? 0,
        outputTokens: response.usage?.completion_tokens ?? 0,
      },
      model: response.model || request.model,
    };
  }

  /** The cheap authenticated call of testIntegration: the model the platform uses exists for this key. */
  async retrieveModel(model: string): Promise<void> {
    try {
      await this.client.models.retrieve(model);
    } catch (error) {
      throw toGatewayError(error, `model ${model}`);
    }
  }
}

function toOpenAiMessage(message: AiMessage): ChatCompletionMessageParam {
  switch (message.role) {
    case 'system':
      return { role: 'system', content: message.content ?? '' };
    case 'user':
      return { role: 'user', content: message.content ?? '' };
    case 'tool':
      return { role: 'tool', content: message.content ?? '', tool_call_id: message.toolCallId ?? '' };
    case 'assistant':
      return {
        role: 'assistant',
        content: message.content,
        ...(message.toolCalls?.length
          ? {
              tool_calls: message.toolCalls.map((call) => ({
                id: call.id,
                type: 'function' as const,
                function: { name: call.name, arguments: call.arguments },
              })),
            }
          : {}),
      };
  }
}

function toOpenAiTool(tool: AiTool): ChatCompletionTool {
  return {
    type: 'function',
    function: { name: tool.name, description: tool.description, parameters: tool.parameters },
  };
}
