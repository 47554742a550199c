import { describe, expect, it } from 'vitest';
import { namesBot } from './name-mention.js';

describe('mention by name', () => {
  it('finds a name as a whole word, in any case, with or without @', () => {
    expect(namesBot('Clawd, what time is it', ['clawd'])).toBe(true);
    expect(namesBot('hey @CLAWD!', ['Clawd'])).toBe(true);
    expect(namesBot('ask clawdia', ['clawd'])).toBe(false);
    expect(namesBot('nobody here', [])).toBe(false);
    expect(namesBot('ça va Zoé?', ['zoé'])).toBe(true);
  });
});
