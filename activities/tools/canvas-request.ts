/**
 * What the canvas tool asks the gateway to do: the tool validates it from the model's
 * arguments, the gateway validates it again at `POST /internal/canvas` (another process).
 */
import { z } from 'zod';

const file = z
  .string()
  .regex(/^[\w-]{1,64}$/, 'letters, digits, "_" and "-" only')
  .describe('Canvas file name without ".html" (written to <stateDir>/canvas/<file>.html)');

/** One object per action with only its own fields (providers want a plain object on top). */
export const canvasRequestSchema = z
  .discriminatedUnion('action', [
    z
      .object({
        action: z.literal('present'),
        html: z
          .string()
          .max(400_000)
          .optional()
          .describe('A whole HTML page to write and show (give html or url)'),
        file: file.default('index'),
        url: z
          .string()
          .url()
          .max(4096)
          .optional()
          .describe('Show this http(s) URL instead of HTML (eval and snapshot need a canvas page)'),
      })
      .describe('Show HTML (written as a canvas file) or a URL in the connected canvas viewers'),
    z.object({ action: z.literal('hide') }).describe('Hide the canvas in the viewers'),
    z
      .object({
        action: z.literal('navigate'),
        target: z
          .string()
          .min(1)
          .max(4096)
          .describe('A canvas path like "/canvas/chart.html" or an http(s) URL'),
      })
      .describe('Show another canvas page or URL'),
    z
      .object({
        action: z.literal('eval'),
        script: z
          .string()
          .min(1)
          .max(100_000)
          .describe('JavaScript run in the shown canvas page; its value (awaited) is returned'),
      })
      .describe('Run JavaScript in the canvas page the viewer shows'),
    z.object({ action: z.literal('snapshot') }).describe('A PNG of the canvas page shown now'),
  ])
  .describe('What to do');

/** A validated canvas request. */
export type CanvasRequest = z.output<typeof canvasRequestSchema>;

/** The gateway's answer to a canvas request. */
export const canvasResponseSchema = z.object({
  text: z.string(),
  isError: z.boolean(),
  /** base64 PNG (snapshot only). */
  png: z.string().optional(),
});
/** The gateway's answer to a canvas request. */
export type CanvasResponse = z.infer<typeof canvasResponseSchema>;

/** Where the gateway takes canvas requests from workers. */
export const canvasInternalPath = '/internal/canvas';
