/**
 * The `image` tool: a vision model looks at a picture and answers a prompt about it. The
 * call is the tool's own LLM request (one user message: the picture, then the prompt), so
 * the agent's model need not see images itself, and a large picture costs the turn's
 * context only the answer's words.
 */
import { z } from 'zod';
import type { UserMessage } from '../../core/messages.js';
import { wrapUntrusted } from '../../core/security/untrusted.js';
import { generate } from '../llm/generate.js';
import { LlmError } from '../llm/errors.js';
import { loadImageBytes } from './image-source.js';
import { prepareImage, providerImageLimits } from './image-prepare.js';
import { defineTool, ToolError } from './tool.js';
import { pickVisionModel } from './vision-model.js';

const DEFAULT_PROMPT = 'Describe the image.';
const DEFAULT_MAX_MB = 20;
/** A description, not an essay: the answer goes back into the turn's context. */
const MAX_ANSWER_TOKENS = 2048;

const inputSchema = z.object({
  image: z
    .string()
    .min(1)
    .describe(
      'The picture: a path in the workspace (an attachment the user sent is under inbox/; ' +
        'its bare file name works too) or an http(s) URL.',
    ),
  prompt: z
    .string()
    .min(1)
    .default(DEFAULT_PROMPT)
    .describe(`What to ask about the picture (default "${DEFAULT_PROMPT}").`),
  model: z
    .string()
    .regex(/^(anthropic|openai)\/.+$/, 'a model reference "anthropic/<model>" or "openai/<model>"')
    .optional()
    .describe('Vision model to ask, "provider/model"; default agent.imageModel.'),
  maxBytesMb: z
    .number()
    .positive()
    .max(50)
    .default(DEFAULT_MAX_MB)
    .describe(`Largest file or download accepted, in MB (default ${DEFAULT_MAX_MB}).`),
});

/** Analyse a picture with a vision model. */
export const imageTool = defineTool({
  name: 'image',
  description:
    'Look at a picture with a vision model and get its answer to a prompt (default: a ' +
    'description). The picture is a workspace file (attachments the user sent are saved ' +
    'under inbox/) or an http(s) URL on a public address. Use it for pictures you cannot ' +
    'see yourself, or to ask about details. It analyses pictures; it does not make them.',
  inputSchema,
  // Reads the workspace, so it runs on the session's host; one vision call per attempt.
  policy: {
    startToCloseTimeoutMs: 180_000,
    heartbeatTimeoutMs: 60_000,
    maximumAttempts: 3,
    idempotent: true,
    hostBound: true,
  },
  async execute(input, context) {
    const model = pickVisionModel(input.model, context.config);
    const maxBytes = Math.floor(input.maxBytesMb * 1024 * 1024);
    const loaded = await loadImageBytes(input.image, maxBytes, context);
    const picture = await prepareImage(
      loaded.bytes,
      input.image,
      providerImageLimits[model.parsed.provider],
    );
    context.heartbeat({ stage: 'asking', model: model.ref });
    const message: UserMessage = {
      role: 'user',
      content: [
        { type: 'image', mimeType: picture.mimeType, data: picture.data },
        { type: 'text', text: input.prompt },
      ],
      timestamp: Date.now(),
    };
    let answer: string;
    try {
      const response = await generate({
        models: [model.ref],
        system: '',
        messages: [message],
        tools: [],
        maxTokens: MAX_ANSWER_TOKENS,
        signal: context.signal,
        providers: context.config?.providers ?? { anthropic: {}, openai: {} },
        onChunk: () => context.heartbeat(),
      });
      answer = response.content
        .flatMap((block) => (block.type === 'text' ? [block.text] : []))
        .join('')
        .trim();
    } catch (error) {
      // A key or model the user must fix is the model's to report; outages are retried.
      if (error instanceof LlmError && error.kind === 'fatal')
        throw new ToolError(
          'MODEL_FAILED',
          `${model.ref} could not look at the picture: ${error.message}`,
          {
            model: model.ref,
            llmCode: error.code,
          },
        );
      throw error;
    }
    const size = `${picture.width}×${picture.height}`;
    const sent = picture.converted
      ? `${size} ${picture.mimeType} (from ${picture.original.width}×${picture.original.height} ${picture.original.format})`
      : `${size} ${picture.mimeType}`;
    return {
      // Text in the picture is the picture's, not the user's: it may carry instructions.
      text: [
        `Image: ${loaded.origin} (${sent}), seen by ${model.ref}`,
        wrapUntrusted(answer || '(the model gave no answer)', `image ${loaded.origin}`),
      ].join('\n\n'),
      details: {
        image: loaded.origin,
        model: model.ref,
        mimeType: picture.mimeType,
        width: picture.width,
        height: picture.height,
        converted: picture.converted,
        original: picture.original,
      },
    };
  },
});
