// A provider-side prompt cache for the scripted LLM, as the providers document theirs:
// Anthropic caches the prefix up to each `cache_control` breakpoint (tools, then system,
// then messages), billing it as a cache write the first time and a cache read after;
// OpenAI caches prompt prefixes of 1024 tokens or more on its own, in 128-token steps.
import { createHash } from 'node:crypto';

/** How a request's input tokens split between fresh, cache-read and cache-written. */
export interface CacheUsage {
  input: number;
  cacheRead: number;
  cacheWrite: number;
}

type Json = Record<string, unknown>;

const asRecord = (value: unknown): Json =>
  typeof value === 'object' && value !== null ? (value as Json) : {};
const asArray = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);

/**
 * The request's units (tools, system blocks, message blocks) in prompt order, each saying
 * whether a breakpoint closes it. The marker itself is not part of the cached content: a
 * block cached with a breakpoint is found again in a request that marks a later one.
 */
function anthropicUnits(body: Json): { text: string; breakpoint: boolean }[] {
  const units: { text: string; breakpoint: boolean }[] = [];
  /** A block without its marker, tagged with its message's role when it has one. */
  const push = (value: unknown, role?: unknown) => {
    const { cache_control: marked, ...rest } = asRecord(value);
    const content = typeof value === 'object' && value !== null ? rest : value;
    const text = JSON.stringify(role === undefined ? content : { role, content });
    units.push({ text, breakpoint: marked !== undefined });
  };
  for (const tool of asArray(body.tools)) push(tool);
  if (typeof body.system === 'string') push(body.system);
  else for (const block of asArray(body.system)) push(block);
  for (const message of asArray(body.messages)) {
    const { role, content } = asRecord(message);
    if (typeof content === 'string') push(content, role);
    else for (const block of asArray(content)) push(block, role);
  }
  return units;
}

/** Anthropic looks for earlier cache hits this many blocks back from each breakpoint. */
const lookbackBlocks = 20;

/** A cache shared by every request to one fake server. */
export class FakePromptCache {
  private readonly entries = new Set<string>();

  constructor(private readonly charsPerToken: number) {}

  /** Anthropic: prefixes ending at breakpoints are read when cached, written when not. */
  anthropic(body: unknown, inputTokens: number): CacheUsage {
    const running = createHash('sha256');
    const prefixes: { key: string; tokens: number; breakpoint: boolean }[] = [];
    let chars = 0;
    for (const unit of anthropicUnits(asRecord(body))) {
      chars += unit.text.length;
      running.update(unit.text);
      prefixes.push({
        key: `a:${running.copy().digest('hex')}`,
        tokens: Math.min(inputTokens, Math.ceil(chars / this.charsPerToken)),
        breakpoint: unit.breakpoint,
      });
    }
    let read = 0;
    let longest = 0;
    const written: string[] = [];
    for (const [index, prefix] of prefixes.entries()) {
      if (!prefix.breakpoint) continue;
      for (let back = index; back >= 0 && back > index - lookbackBlocks; back--) {
        const candidate = prefixes[back]!;
        if (this.entries.has(candidate.key)) {
          read = Math.max(read, candidate.tokens);
          break;
        }
      }
      written.push(prefix.key);
      longest = prefix.tokens;
    }
    // What this request writes is there for the next one, not for its own lookups.
    for (const key of written) this.entries.add(key);
    const write = Math.max(0, longest - read);
    return { input: Math.max(0, inputTokens - read - write), cacheRead: read, cacheWrite: write };
  }

  /** OpenAI: the longest earlier-seen prefix of whole messages, from 1024 tokens, in 128s. */
  openai(body: unknown, inputTokens: number): CacheUsage {
    const request = asRecord(body);
    const running = createHash('sha256');
    running.update(JSON.stringify(request.tools ?? null));
    let chars = 0;
    let cached = 0;
    for (const message of asArray(request.messages)) {
      const text = JSON.stringify(message);
      chars += text.length;
      running.update(text);
      const key = `o:${running.copy().digest('hex')}`;
      if (this.entries.has(key)) cached = Math.ceil(chars / this.charsPerToken);
      else this.entries.add(key);
    }
    cached = cached >= 1024 ? Math.min(inputTokens, Math.floor(cached / 128) * 128) : 0;
    return { input: inputTokens - cached, cacheRead: cached, cacheWrite: 0 };
  }
}
