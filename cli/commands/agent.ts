import { randomUUID } from 'node:crypto';
import { ClawdbotError } from '../../core/errors.js';
import {
  printJson,
  processOutput,
  withGateway,
  type GatewayFlags,
  type Output,
} from '../gateway-command.js';
import { streamTurn } from '../turn-stream.js';

/** Flags of `clawdbot agent`. */
export interface AgentFlags extends GatewayFlags {
  message: string;
  session?: string;
  stream?: boolean;
  timeout?: string;
}

interface AgentOutcome {
  runId: string;
  status: string;
  summary?: string;
  result?: { payloads?: { text?: string }[]; meta?: { aborted?: boolean } };
}

/**
 * `clawdbot agent --message "…"`: one turn through the gateway's `agent` method, the reply
 * streamed from the run's `chat` events as it is written (`--no-stream`: printed once at
 * the end; `--json`: the method's final answer). Ctrl-C aborts the turn.
 */
export async function runAgent(flags: AgentFlags, output: Output = processOutput): Promise<number> {
  const timeoutSeconds = flags.timeout === undefined ? 600 : Number(flags.timeout);
  if (!Number.isInteger(timeoutSeconds) || timeoutSeconds < 1) {
    output.err('clawdbot: --timeout expects a whole number of seconds\n');
    return 2;
  }
  return withGateway(flags, output, async (gateway) => {
    const live = flags.stream !== false && !flags.json;
    const stream = streamTurn(gateway, undefined, {
      text: (chunk) => live && output.out(chunk),
      note: (line) => live && output.err(`${line}\n`),
    });
    let runId: string | undefined;
    const sessionKey = flags.session;
    const onInterrupt = () => {
      output.err('\naborting the turn...\n');
      void gateway
        .request('chat.abort', { sessionKey: sessionKey ?? 'main', ...(runId ? { runId } : {}) })
        .catch(() => undefined);
    };
    process.once('SIGINT', onInterrupt);
    try {
      const outcome = (await gateway.request(
        'agent',
        {
          message: flags.message,
          ...(sessionKey === undefined ? {} : { sessionKey }),
          idempotencyKey: randomUUID(),
          timeout: timeoutSeconds,
        },
        {
          timeoutMs: (timeoutSeconds + 30) * 1000,
          onAccepted: (payload) => {
            runId = (payload as { runId: string }).runId;
            stream.follow(runId);
          },
        },
      )) as AgentOutcome;
      if (flags.json) {
        printJson(output, outcome);
        return 0;
      }
      const text = (outcome.result?.payloads ?? []).map((payload) => payload.text ?? '').join('\n');
      if (live) {
        // The chat events may trail the method's answer by a moment: wait for the last one.
        await Promise.race([stream.ended, new Promise((resolve) => setTimeout(resolve, 2000))]);
        if (stream.text() === '') output.out(text);
        output.out('\n');
      } else {
        output.out(`${text}\n`);
      }
      if (outcome.result?.meta?.aborted) {
        output.err('(the turn was aborted)\n');
        return 1;
      }
      return 0;
    } catch (error) {
      if (error instanceof ClawdbotError && error.code === 'UNAVAILABLE' && runId !== undefined) {
        output.err(`clawdbot: the turn failed: ${error.message}\n`);
        return 1;
      }
      throw error;
    } finally {
      process.off('SIGINT', onInterrupt);
      stream.stop();
    }
  });
}
