/**
 * Token counts without a tokenizer per provider: a characters-per-token ratio applied to
 * the JSON that is actually sent, corrected after every call by the input tokens the
 * provider reports for that request. Errs on the side of more tokens, since an
 * over-estimate costs a little history and an under-estimate costs a failed call.
 */

/** English prose runs ~4 characters a token; JSON, code and other scripts run denser. */
const defaultCharsPerToken = 3.5;
/** The ratio never leaves this range, whatever a provider reports. */
const minCharsPerToken = 1;
const maxCharsPerToken = 6;
/** Weight of the newest measurement: a few calls settle it, one odd request does not. */
const learningRate = 0.5;

/** One model's calibration, kept per process (the worker's activity factory owns it). */
export class TokenEstimator {
  private readonly ratios = new Map<string, number>();
  /**
   * JSON lengths of objects already measured. Every LLM call measures the tool definitions
   * (the same objects each call) and each history message twice (plan, then calibration):
   * stringifying them again was a few ms of worker CPU per turn. Measured values must not be
   * mutated afterwards, which holds for tool specs and transcript messages.
   */
  private readonly lengths = new WeakMap<object, number>();

  /** Characters per token currently assumed for a model. */
  charsPerToken(model: string): number {
    return this.ratios.get(model) ?? defaultCharsPerToken;
  }

  /** Estimated tokens of some text (or of a value's JSON) for a model. */
  count(model: string, content: unknown): number {
    const chars = typeof content === 'string' ? content.length : this.jsonLength(content);
    return Math.ceil(chars / this.charsPerToken(model));
  }

  /** jsonLength, remembered per object; an array is measured element by element. */
  jsonLength(value: unknown): number {
    if (typeof value !== 'object' || value === null) return jsonLength(value);
    if (Array.isArray(value)) {
      // JSON.stringify([a, b]) is "[" + a + "," + b + "]"; undefined and functions become null.
      let length = 2 + Math.max(0, value.length - 1);
      for (const each of value as unknown[])
        length +=
          typeof each === 'object' && each !== null
            ? this.jsonLength(each)
            : (JSON.stringify(each) ?? 'null').length;
      return length;
    }
    const known = this.lengths.get(value);
    if (known !== undefined) return known;
    const length = jsonLength(value);
    this.lengths.set(value, length);
    return length;
  }

  /**
   * Learn from a provider's count: `chars` characters were `tokens` tokens. A measurement
   * that says the text is denser than assumed is taken at once (under-estimating is what
   * overflows a window); one that says it is sparser moves the ratio only part of the way.
   */
  calibrate(model: string, chars: number, tokens: number): void {
    if (!(tokens > 0) || !(chars > 0)) return;
    const measured = clamp(chars / tokens);
    const current = this.charsPerToken(model);
    const next = measured < current ? measured : current + (measured - current) * learningRate;
    this.ratios.set(model, clamp(next));
  }
}

function clamp(ratio: number): number {
  return Math.min(maxCharsPerToken, Math.max(minCharsPerToken, ratio));
}

/** Length of a value's JSON; what a request body spends on it. */
export function jsonLength(value: unknown): number {
  return JSON.stringify(value)?.length ?? 0;
}
