/**
 * The canvas folder (`<stateDir>/canvas/`): path-safe lookup for `/canvas/*`, the bridge
 * script put into served HTML, and a watcher that tells viewers when files change.
 */
import { watch, type FSWatcher } from 'node:fs';
import { readFile, realpath, stat } from 'node:fs/promises';
import { extname, join, relative, sep } from 'node:path';

/** What `/canvas/<path>` resolves to. */
export interface CanvasFile {
  body: Buffer;
  contentType: string;
}

const types: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.htm': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.txt': 'text/plain; charset=utf-8',
};

/** The script every served canvas page gets: it runs the viewer's `eval` inside the page. */
export const bridgeTag = '<script src="/canvas-bridge.js"></script>';

function inside(root: string, candidate: string): boolean {
  const rel = relative(root, candidate);
  return rel === '' || (!rel.startsWith('..') && !rel.startsWith(sep) && rel !== '..');
}

/**
 * Read `/canvas/<urlPath>` from the folder, or undefined when it is not there. Symbolic
 * links that lead out of the folder are not followed; directories serve their index.html.
 */
export async function readCanvasFile(
  canvasDir: string,
  urlPath: string,
): Promise<CanvasFile | undefined> {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return undefined;
  }
  if (decoded.includes('\0')) return undefined;
  const root = await realpath(canvasDir);
  let target = join(root, decoded);
  if (!inside(root, target)) return undefined;
  try {
    target = await realpath(target);
    if (!inside(root, target)) return undefined;
    if ((await stat(target)).isDirectory()) target = join(target, 'index.html');
    const body = await readFile(target);
    const contentType = types[extname(target).toLowerCase()] ?? 'application/octet-stream';
    if (!contentType.startsWith('text/html')) return { body, contentType };
    return { body: withBridge(body.toString('utf8')), contentType };
  } catch {
    return undefined;
  }
}

function withBridge(html: string): Buffer {
  const at = html.search(/<\/body>/i);
  const out =
    at === -1 ? `${html}\n${bridgeTag}` : `${html.slice(0, at)}${bridgeTag}${html.slice(at)}`;
  return Buffer.from(out, 'utf8');
}

/**
 * Call `onChange` with the changed file names shortly after files in the folder change
 * (editors and the tool write in several steps: one notice per burst).
 */
export function watchCanvasDir(canvasDir: string, onChange: (files: string[]) => void): FSWatcher {
  const changed = new Set<string>();
  let timer: NodeJS.Timeout | undefined;
  const watcher = watch(canvasDir, { recursive: true }, (_event, name) => {
    if (name !== null) changed.add(name.split(sep).join('/'));
    clearTimeout(timer);
    timer = setTimeout(() => {
      const files = [...changed];
      changed.clear();
      onChange(files);
    }, 100);
  });
  watcher.on('close', () => clearTimeout(timer));
  return watcher;
}
