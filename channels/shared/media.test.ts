import { createServer, type Server } from 'node:http';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { freePort } from '../../core/net.js';
import type { InboundAttachment } from '../types.js';
import { extractMediaLines, mediaKindOf, safeFileName, saveInboundAttachment } from './media.js';

describe('extractMediaLines', () => {
  it('takes MEDIA lines out of the text, with their kinds, in order', () => {
    const result = extractMediaLines(
      'Here is the chart:\nMEDIA:./out/chart.png\n\nAnd the data:\n  MEDIA: https://x.test/d.csv?dl=1  \n\nMEDIA:/tmp/a.MP3\nMEDIA: "clip one.mov"\nBye',
    );
    expect(result.media).toEqual([
      { source: './out/chart.png', kind: 'image' },
      { source: 'https://x.test/d.csv?dl=1', kind: 'file' },
      { source: '/tmp/a.MP3', kind: 'audio' },
      { source: 'clip one.mov', kind: 'video' },
    ]);
    expect(result.text).toBe('Here is the chart:\n\nAnd the data:\n\nBye');
  });

  it('leaves text without MEDIA lines untouched, and MEDIA lines in code blocks alone', () => {
    const text = '  Use it like this:\n```\nMEDIA:/path/to/file.png\n```\n';
    expect(extractMediaLines(text)).toEqual({ text, media: [] });
    expect(extractMediaLines('see MEDIA:x.png inline').media).toEqual([]);
  });
});

describe('mediaKindOf', () => {
  it('goes by the extension of the path or the URL path', () => {
    expect(mediaKindOf('a.webp')).toBe('image');
    expect(mediaKindOf('https://x.test/v.webm#t=3')).toBe('video');
    expect(mediaKindOf('https://x.test/page')).toBe('file');
    expect(mediaKindOf('voice.ogg')).toBe('audio');
    expect(mediaKindOf('report.pdf')).toBe('file');
  });
});

describe('safeFileName', () => {
  it('keeps names inside the folder and readable', () => {
    expect(safeFileName('../../etc/passwd')).toBe('passwd');
    expect(safeFileName('..\\..\\win.ini')).toBe('win.ini');
    expect(safeFileName('.bashrc')).toBe('bashrc');
    expect(safeFileName('my photo (1).JPG')).toBe('my_photo_1.jpg');
    expect(safeFileName('')).toBe('file');
    expect(safeFileName('résumé.pdf')).toBe('résumé.pdf');
  });
});

describe('saveInboundAttachment', () => {
  let workspace: string;
  let server: Server | undefined;
  beforeEach(async () => {
    workspace = await mkdtemp(join(tmpdir(), 'clawdbot-media-'));
  });
  afterEach(async () => {
    server?.closeAllConnections();
    await new Promise((done) => (server ? server.close(done) : done(undefined)));
    server = undefined;
    await rm(workspace, { recursive: true, force: true });
  });

  const attachment = (
    fields: Partial<InboundAttachment> & Pick<InboundAttachment, 'download'>,
  ): InboundAttachment => ({ kind: 'file', fileName: 'notes.txt', ...fields });

  it('saves a file into inbox/ under a unique safe name', async () => {
    const bytes = new TextEncoder().encode('hello');
    const first = await saveInboundAttachment(
      workspace,
      attachment({ fileName: '../../escape.txt', download: () => Promise.resolve(bytes) }),
      1024,
    );
    const second = await saveInboundAttachment(
      workspace,
      attachment({ fileName: '../../escape.txt', download: () => Promise.resolve(bytes) }),
      1024,
    );
    expect(dirname(first.path)).toBe(join(workspace, 'inbox'));
    expect(first.path).not.toBe(second.path);
    expect(first.fileName).toMatch(/^escape-[0-9a-f]{8}\.txt$/);
    expect(await readFile(first.path, 'utf8')).toBe('hello');
    expect(first).toMatchObject({ mimeType: 'text/plain', size: 5, kind: 'file' });
    expect(first.base64).toBeUndefined();
  });

  it('returns an image as base64 for the model', async () => {
    const png = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 1, 2, 3]);
    const saved = await saveInboundAttachment(
      workspace,
      attachment({ kind: 'image', fileName: 'photo.png', download: () => Promise.resolve(png) }),
      1024,
    );
    expect(saved.mimeType).toBe('image/png');
    expect(Buffer.from(saved.base64 ?? '', 'base64')).toEqual(Buffer.from(png));
  });

  it('refuses a file whose known size is over the cap without downloading it', async () => {
    let downloaded = false;
    const error = await saveInboundAttachment(
      workspace,
      attachment({
        size: 2048,
        download: () => {
          downloaded = true;
          return Promise.resolve(new Uint8Array(2048));
        },
      }),
      1024,
    ).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'MEDIA_TOO_LARGE' });
    expect(downloaded).toBe(false);
  });

  it('stops a download of unknown size once it passes the cap, leaving no file', async () => {
    const total = 8 * 1024 * 1024;
    let sentWhenClosed = -1;
    server = createServer((_request, response) => {
      let sent = 0;
      response.writeHead(200, { 'content-type': 'application/octet-stream' }); // chunked
      response.on('close', () => (sentWhenClosed = sent));
      const chunk = Buffer.alloc(64 * 1024, 7);
      const pump = () => {
        while (sent < total) {
          sent += chunk.length;
          if (!response.write(chunk)) return void response.once('drain', pump);
        }
        response.end();
      };
      pump();
    });
    const port = await freePort();
    await new Promise<void>((done) => server?.listen(port, '127.0.0.1', done));
    const error = await saveInboundAttachment(
      workspace,
      attachment({
        fileName: 'big.bin',
        download: async () => {
          const response = await fetch(`http://127.0.0.1:${port}/file`);
          if (!response.body) throw new Error('no body');
          return response.body;
        },
      }),
      256 * 1024,
    ).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'MEDIA_TOO_LARGE' });
    expect(await readdir(join(workspace, 'inbox'))).toEqual([]);
    await expect.poll(() => sentWhenClosed).toBeGreaterThan(0);
    expect(sentWhenClosed).toBeLessThan(total);
  });

  it('accepts a stream under the cap', async () => {
    function* parts() {
      yield new TextEncoder().encode('ab');
      yield new TextEncoder().encode('cd');
    }
    async function* stream() {
      for (const part of parts()) yield await Promise.resolve(part);
    }
    const saved = await saveInboundAttachment(
      workspace,
      attachment({ download: () => Promise.resolve(stream()) }),
      4,
    );
    expect(await readFile(saved.path, 'utf8')).toBe('abcd');
  });
});
