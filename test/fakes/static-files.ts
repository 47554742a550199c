// A web server on 127.0.0.1 serving fixed bytes per path with the Content-Type given:
// pictures and pages for tools that download (the image tool's URLs).
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One served file. */
export interface StaticFile {
  body: Buffer | string;
  contentType: string;
}

/** A running server; `requests` lists the paths asked for, in order. */
export interface StaticFilesServer {
  url: string;
  requests: string[];
  close(): Promise<void>;
}

/** Serve `files` (path → file); anything else is a 404. */
export async function startStaticFiles(
  files: Record<string, StaticFile>,
): Promise<StaticFilesServer> {
  const requests: string[] = [];
  const server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://static').pathname;
    requests.push(path);
    const file = files[path];
    if (!file) {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    const body = Buffer.from(file.body);
    response.writeHead(200, { 'content-type': file.contentType, 'content-length': body.length });
    response.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
