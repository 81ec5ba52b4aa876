import type { Logger } from '../observability/logger';

/** One message of a chat with the model, in the gateway's words (the OpenAI client maps them). */
export interface AiMessage {
  role: 'system' | 'user' | 'assistant' | 'tool';
  content: string | null;
  /** On a `tool` message: the call it answers. */
  toolCallId?: string;
  /** On an `assistant` message: the tools the model asked for. */
  toolCalls?: AiToolCall[];
}

export interface AiToolCall {
  id: string;
  name: string;
  /** JSON text, as the model wrote it (may be invalid JSON: parse defensively). */
  arguments: string;
}

/** A function the model may call. */
export interface AiTool {
  name: string;
  description: string;
  /** JSON schema of the arguments. */
  parameters: Record<string, unknown>;
}

export interface AiCompletion {
  message: { content: string | null; toolCalls: AiToolCall[] };
  usage: { inputTokens: number; outputTokens: number };
  /** The model that answered (as OpenAI reports it). */
  model: string;
}

export type AiAutoReplyChannel = 'messenger' | 'whatsapp';

/** An organization's effective settings: platform defaults merged with its overrides, within limits. */
export interface AiSettings {
  enabled: boolean;
  instructions: string;
  model: string;
  temperature: number;
  maxOutputTokens: number;
  autoReplyChannels: AiAutoReplyChannel[];
  dailyTokenBudget: number;
}

export interface AiCompleteInput {
  organizationId: string;
  conversationId?: string | null;
  requestId: string;
  logger: Logger;
  messages: AiMessage[];
  tools?: AiTool[];
}
