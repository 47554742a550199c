import { randomUUID } from 'node:crypto';
import { createInterface } from 'node:readline';
import { processOutput, withGateway, type GatewayFlags, type Output } from '../gateway-command.js';
import { streamTurn, type TurnEnd } from '../turn-stream.js';

/** Flags of `clawdbot chat`. */
export interface ChatFlags extends GatewayFlags {
  session?: string;
  history?: string;
}

interface HistoryMessage {
  role: string;
  content?: { type: string; text?: string }[];
}

const help =
  'Type a message and press Enter. /reset starts a new session, /exit (or Ctrl-D) leaves; ' +
  'Ctrl-C stops a running reply, a second Ctrl-C exits.\n';

/**
 * `clawdbot chat`: an interactive chat on one session over the gateway: its recent
 * history first, then each line is a `chat.send` whose reply streams from `chat` events.
 * Ctrl-C aborts the running turn (`chat.abort`); Ctrl-C with no turn running, twice in a
 * row, exits. Reads any stdin, so a script can drive it (one message a line).
 */
export async function runChat(
  flags: ChatFlags,
  output: Output = processOutput,
  input: NodeJS.ReadableStream = process.stdin,
): Promise<number> {
  const sessionKey = flags.session ?? 'main';
  const historyLimit = flags.history === undefined ? 20 : Number(flags.history);
  if (!Number.isInteger(historyLimit) || historyLimit < 0 || historyLimit > 1000) {
    output.err('clawdbot: --history expects a whole number from 0 to 1000\n');
    return 2;
  }
  return withGateway(flags, output, async (gateway) => {
    const interactive = (input as { isTTY?: boolean }).isTTY === true;
    if (historyLimit > 0) {
      const history = (await gateway.request('chat.history', {
        sessionKey,
        limit: historyLimit,
      })) as { sessionKey: string; messages: HistoryMessage[] };
      output.out(`Session ${history.sessionKey}\n`);
      for (const message of history.messages) {
        if (message.role !== 'user' && message.role !== 'assistant') continue;
        const text = (message.content ?? [])
          .filter((block) => block.type === 'text')
          .map((block) => block.text ?? '')
          .join('');
        if (text !== '') output.out(`${message.role === 'user' ? 'you' : 'bot'}> ${text}\n`);
      }
    }
    if (interactive) output.out(help);

    const lines = createInterface({ input, terminal: interactive });
    let running: { runId?: string; abort(): void } | undefined;
    let interruptedAt = 0;
    let exitRequested = false;
    const onInterrupt = () => {
      if (running) {
        output.err('\n(stopping the reply)\n');
        running.abort();
        return;
      }
      if (Date.now() - interruptedAt < 3000) {
        exitRequested = true;
        lines.close();
        return;
      }
      interruptedAt = Date.now();
      output.err('\n(press Ctrl-C again to exit)\n');
    };
    lines.on('SIGINT', onInterrupt);
    process.on('SIGINT', onInterrupt);
    const prompt = () => interactive && output.out('you> ');
    let failures = 0;
    try {
      prompt();
      for await (const raw of lines) {
        if (exitRequested) break;
        const line = raw.trim();
        if (line === '') {
          prompt();
          continue;
        }
        if (line === '/exit' || line === '/quit') break;
        if (line === '/help') {
          output.out(help);
          prompt();
          continue;
        }
        if (line === '/reset') {
          const reset = (await gateway.request('sessions.reset', {
            key: sessionKey,
            reason: 'reset',
          })) as { entry: { sessionId: string } };
          output.out(`(new session ${reset.entry.sessionId})\n`);
          prompt();
          continue;
        }
        const stream = streamTurn(gateway, undefined, {
          text: (chunk) => output.out(chunk),
          note: (note) => output.err(`${note}\n`),
        });
        running = {
          abort: () =>
            void gateway
              .request('chat.abort', {
                sessionKey,
                ...(running?.runId ? { runId: running.runId } : {}),
              })
              .catch(() => undefined),
        };
        let end: TurnEnd;
        try {
          output.out('bot> ');
          const sent = (await gateway.request('chat.send', {
            sessionKey,
            message: raw,
            idempotencyKey: randomUUID(),
          })) as { runId: string };
          running.runId = sent.runId;
          stream.follow(sent.runId);
          end = await stream.ended;
        } finally {
          stream.stop();
          running = undefined;
        }
        if (end.state === 'final' && stream.text() === '') output.out(end.text);
        output.out('\n');
        if (end.state === 'aborted') output.err('(reply stopped)\n');
        if (end.state === 'error') {
          failures++;
          output.err(`(the turn failed: ${end.errorMessage ?? 'unknown error'})\n`);
        }
        prompt();
      }
      return failures > 0 && !interactive ? 1 : 0;
    } finally {
      process.off('SIGINT', onInterrupt);
      lines.close();
    }
  });
}
