/**
 * canvas: a page the agent writes and the user looks at in a canvas viewer. The viewers are
 * WebSocket clients of the gateway, so every action is a request to the gateway's
 * `POST /internal/canvas` (the worker reaches it the way it sends run events: the
 * configured gatewayUrl, else the local gateway port, with the gateway's token).
 */
import { z } from 'zod';
import type { Config } from '../../core/config/schema.js';
import { canvasInternalPath, canvasRequestSchema, canvasResponseSchema } from './canvas-request.js';
import { ToolError, defineTool } from './tool.js';

/** The gateway's HTTP origin as a worker sees it. */
export function gatewayHttpOrigin(config: Config): string {
  if (config.worker.gatewayUrl !== undefined) {
    const url = new URL(config.worker.gatewayUrl);
    url.protocol = url.protocol === 'wss:' ? 'https:' : 'http:';
    return url.origin;
  }
  return `http://127.0.0.1:${config.gateway.port}`;
}

/** canvas: present HTML or a URL in the canvas viewers, hide, navigate, eval, snapshot. */
export const canvasTool = defineTool({
  name: 'canvas',
  description:
    'A screen the user watches (the canvas viewer of the gateway, e.g. the Control UI canvas panel). ' +
    'Actions: present (write a whole HTML page as a canvas file and show it, or show a URL), hide, ' +
    'navigate (another canvas page or URL), eval (run JavaScript in the shown canvas page; the ' +
    'awaited value is returned as JSON), snapshot (a picture of the shown canvas page, which you ' +
    "see). Canvas files live in the gateway's canvas folder at /canvas/<file>.html and reload in " +
    'the viewers when they change. Fails clearly when no viewer is connected.',
  inputSchema: z.object({ request: canvasRequestSchema }),
  // A viewer's answer or a headless render: seconds, not minutes; never repeated blindly.
  policy: { startToCloseTimeoutMs: 90_000, maximumAttempts: 1, idempotent: false },
  async execute({ request }, context) {
    if (context.config === undefined)
      throw new ToolError('UNAVAILABLE', 'canvas needs the config to find the gateway.');
    const { token, password } = context.config.gateway.auth;
    const secret = token ?? password;
    const origin = gatewayHttpOrigin(context.config);
    let response: Response;
    try {
      response = await fetch(`${origin}${canvasInternalPath}`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(secret !== undefined ? { authorization: `Bearer ${secret}` } : {}),
        },
        body: JSON.stringify(request),
        signal: context.signal,
      });
    } catch (error) {
      throw new ToolError(
        'UNAVAILABLE',
        `The gateway at ${origin} (which holds the canvas viewers) is not reachable: ${(error as Error).message}`,
      );
    }
    if (!response.ok)
      throw new ToolError(
        'UNAVAILABLE',
        `The gateway refused the canvas request (HTTP ${response.status}): ${(await response.text()).slice(0, 500)}`,
      );
    const answer = canvasResponseSchema.parse(await response.json());
    return {
      text: answer.text,
      isError: answer.isError,
      ...(answer.png !== undefined
        ? { images: [{ type: 'image' as const, mimeType: 'image/png', data: answer.png }] }
        : {}),
    };
  },
});
