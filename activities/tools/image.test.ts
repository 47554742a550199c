// The image tool end to end in one process: real pictures made with sharp, the real
// Anthropic and OpenAI SDKs talking to the scripted LLM on 127.0.0.1, downloads from a
// local web server through web_fetch's guard.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { configSchema, type ConfigInput } from '../../core/config/schema.js';
import { startFakeLlmServer, type FakeLlmServer } from '../../test/fakes/llm-server.js';
import { startStaticFiles, type StaticFilesServer } from '../../test/fakes/static-files.js';
import { imageTool } from './image.js';
import { runTool, type ToolContext } from './tool.js';

const KEY = 'vision-key';
let llm: FakeLlmServer;
let site: StaticFilesServer;
let workspace: string;
/** A 3000 × 2000 photo of noise: large in pixels and in bytes. */
let photo: Buffer;
/** A 200 × 100 PNG with transparency: small enough to go as it is. */
let badge: Buffer;

beforeAll(async () => {
  llm = await startFakeLlmServer({ apiKeys: [KEY] });
  workspace = await mkdtemp(join(tmpdir(), 'image-tool-'));
  photo = await sharp({
    create: {
      width: 3000,
      height: 2000,
      channels: 3,
      background: '#808080',
      noise: { type: 'gaussian', mean: 128, sigma: 40 },
    },
  })
    .jpeg({ quality: 95 })
    .toBuffer();
  badge = await sharp({
    create: {
      width: 200,
      height: 100,
      channels: 4,
      background: { r: 255, g: 0, b: 0, alpha: 0.5 },
    },
  })
    .png()
    .toBuffer();
  await mkdir(join(workspace, 'pictures'), { recursive: true });
  await mkdir(join(workspace, 'inbox'), { recursive: true });
  await writeFile(join(workspace, 'pictures', 'photo.jpg'), photo);
  await writeFile(join(workspace, 'inbox', 'badge-1a2b3c4d.png'), badge);
  await writeFile(join(workspace, 'notes.png'), 'these are notes, not a picture\n');
  site = await startStaticFiles({
    '/badge.png': { body: badge, contentType: 'image/png' },
    '/page.html': { body: '<html><body>hello</body></html>', contentType: 'text/html' },
  });
});
afterEach(() => {
  expect(llm.pending()).toBe(0);
  llm.reset();
});
afterAll(async () => {
  await llm.close();
  await site.close();
  await rm(workspace, { recursive: true, force: true });
});

function context(config: ConfigInput = {}): ToolContext {
  return {
    workspaceDir: workspace,
    sessionKey: 'image-test',
    runId: 'run-image',
    toolCallId: 'call-image',
    signal: new AbortController().signal,
    heartbeat: () => {},
    config: configSchema.parse({
      providers: {
        anthropic: { apiKey: KEY, baseUrl: llm.anthropicBaseUrl },
        openai: { apiKey: KEY, baseUrl: llm.openaiBaseUrl },
      },
      ...config,
    }),
  };
}

const anthropicVision = { agent: { imageModel: 'anthropic/claude-sonnet-4-5' } };
const openAiVision = { agent: { imageModel: 'openai/gpt-4.1' } };

/** The content blocks of the one user message the vision model received. */
function userContent(): Record<string, unknown>[] {
  expect(llm.requests).toHaveLength(1);
  const body = llm.requests[0]!.body as { messages: { role: string; content: unknown }[] };
  expect(body.messages).toHaveLength(1);
  expect(body.messages[0]!.role).toBe('user');
  return body.messages[0]!.content as Record<string, unknown>[];
}

describe('image', () => {
  it('sends Anthropic a base64 image block, scaled to 1568 px, before the prompt', async () => {
    llm.script([{ kind: 'text', text: 'Grey static, like an untuned television.' }]);
    const result = await runTool(
      imageTool,
      { image: 'pictures/photo.jpg', prompt: 'What is on this screen?' },
      context(anthropicVision),
    );
    expect(result.isError).toBeUndefined();
    expect(result.text).toContain('Grey static, like an untuned television.');
    expect(result.text).toContain('<untrusted-content source="image ');
    expect(llm.requests[0]!.provider).toBe('anthropic');
    expect(llm.requests[0]!.model).toBe('claude-sonnet-4-5');
    const [image, prompt] = userContent();
    expect(prompt).toMatchObject({ type: 'text', text: 'What is on this screen?' });
    expect(image).toMatchObject({
      type: 'image',
      source: { type: 'base64', media_type: 'image/jpeg' },
    });
    const bytes = Buffer.from((image!.source as { data: string }).data, 'base64');
    const sent = await sharp(bytes).metadata();
    expect([sent.width, sent.height]).toEqual([1568, 1045]);
    expect(bytes.byteLength).toBeLessThanOrEqual(5 * 1024 * 1024 * 0.75);
    expect(result.details).toMatchObject({
      converted: true,
      original: { width: 3000, height: 2000 },
    });
  });

  it('sends OpenAI an image_url data URL; a picture within limits goes byte for byte', async () => {
    llm.script([{ kind: 'text', text: 'A translucent red rectangle.' }]);
    // A bare attachment name is found in inbox/, where channels save what users send.
    const result = await runTool(imageTool, { image: 'badge-1a2b3c4d.png' }, context(openAiVision));
    expect(result.isError).toBeUndefined();
    expect(result.text).toContain('A translucent red rectangle.');
    expect(llm.requests[0]!.provider).toBe('openai');
    expect(llm.requests[0]!.model).toBe('gpt-4.1');
    const [image, prompt] = userContent();
    expect(prompt).toEqual({ type: 'text', text: 'Describe the image.' });
    expect(image).toEqual({
      type: 'image_url',
      image_url: { url: `data:image/png;base64,${badge.toString('base64')}` },
    });
  });

  it("uses the agent's own model when it sees images, and says so when none does", async () => {
    llm.script([{ kind: 'text', text: 'Red.' }]);
    const own = await runTool(
      imageTool,
      { image: 'inbox/badge-1a2b3c4d.png', prompt: 'Colour?' },
      context({ agent: { model: 'openai/gpt-4o' } }),
    );
    expect(own.details).toMatchObject({ model: 'openai/gpt-4o' });
    const blind = await runTool(
      imageTool,
      { image: 'inbox/badge-1a2b3c4d.png' },
      context({
        agent: { model: 'openai/llama-3.1-8b', fallbacks: ['anthropic/claude-3-5-haiku'] },
      }),
    );
    expect(blind).toMatchObject({ isError: true, details: { code: 'NO_VISION_MODEL' } });
    expect(blind.text).toContain('agent.imageModel');
  });

  it('downloads a URL through the web_fetch guard: allowed hosts only', async () => {
    llm.script([{ kind: 'text', text: 'A badge.' }]);
    const allowed = await runTool(
      imageTool,
      { image: `${site.url}/badge.png` },
      context({ ...anthropicVision, tools: { web: { fetch: { allowHosts: ['127.0.0.1'] } } } }),
    );
    expect(allowed.isError).toBeUndefined();
    const [image] = userContent();
    expect(image).toMatchObject({
      type: 'image',
      source: { type: 'base64', media_type: 'image/png', data: badge.toString('base64') },
    });
    const before = site.requests.length;
    const blocked = await runTool(
      imageTool,
      { image: `${site.url}/badge.png` },
      context(anthropicVision),
    );
    expect(blocked).toMatchObject({ isError: true, details: { code: 'URL_BLOCKED' } });
    expect(site.requests.length).toBe(before);
  });

  it('refuses files that are not pictures and pictures over maxBytesMb, asking no model', async () => {
    const allowLocal = {
      ...anthropicVision,
      tools: { web: { fetch: { allowHosts: ['127.0.0.1'] } } },
    };
    const notes = await runTool(imageTool, { image: 'notes.png' }, context(anthropicVision));
    expect(notes).toMatchObject({ isError: true, details: { code: 'NOT_AN_IMAGE' } });
    const page = await runTool(imageTool, { image: `${site.url}/page.html` }, context(allowLocal));
    expect(page).toMatchObject({ isError: true, details: { code: 'NOT_AN_IMAGE' } });
    const big = await runTool(
      imageTool,
      { image: 'pictures/photo.jpg', maxBytesMb: 0.5 },
      context(anthropicVision),
    );
    expect(big).toMatchObject({ isError: true, details: { code: 'IMAGE_TOO_LARGE' } });
    expect(big.text).toContain('0.5 MB');
    const bigUrl = await runTool(
      imageTool,
      { image: `${site.url}/badge.png`, maxBytesMb: 0.0001 },
      context(allowLocal),
    );
    expect(bigUrl).toMatchObject({ isError: true, details: { code: 'IMAGE_TOO_LARGE' } });
    const outside = await runTool(imageTool, { image: '/etc/hostname' }, context(anthropicVision));
    expect(outside).toMatchObject({ isError: true, details: { code: 'PATH_OUTSIDE_WORKSPACE' } });
    expect(llm.requests).toHaveLength(0);
  });

  it('reports a key the provider refuses as MODEL_FAILED', async () => {
    const config = context(anthropicVision).config!;
    const result = await runTool(
      imageTool,
      { image: 'inbox/badge-1a2b3c4d.png' },
      {
        ...context(),
        config: {
          ...config,
          providers: {
            ...config.providers,
            anthropic: { apiKey: 'bad', baseUrl: llm.anthropicBaseUrl },
          },
        },
      },
    );
    expect(result).toMatchObject({ isError: true, details: { code: 'MODEL_FAILED' } });
  });
});
