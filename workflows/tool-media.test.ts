import { describe, expect, it } from 'vitest';
import { withToolMedia } from './tool-media.js';

describe('withToolMedia', () => {
  it('adds a MEDIA: line per file the reply does not name yet, once each', () => {
    expect(withToolMedia('Here.', ['/ws/tts/a.ogg', '/ws/tts/a.ogg'])).toBe(
      'Here.\n\nMEDIA:/ws/tts/a.ogg',
    );
    expect(withToolMedia('', ['/ws/tts/a.ogg'])).toBe('MEDIA:/ws/tts/a.ogg');
    expect(withToolMedia('Here.', [])).toBe('Here.');
  });

  it('leaves a file the model already named, by absolute or relative path', () => {
    const named = 'Listen:\nMEDIA: "tts/a.ogg"';
    expect(withToolMedia(named, ['/ws/tts/a.ogg', '/ws/tts/b.ogg'])).toBe(
      `${named}\n\nMEDIA:/ws/tts/b.ogg`,
    );
  });
});
