import {
  printJson,
  processOutput,
  withGateway,
  type GatewayFlags,
  type Output,
} from '../gateway-command.js';

interface SessionRow {
  key: string;
  sessionId: string;
  updatedAt: number;
  inputTokens: number;
  outputTokens: number;
  totalTokens: number;
  channel?: string;
  label?: string;
  host?: string;
}

interface HistoryMessage {
  role: string;
  content?: { type: string; text?: string; name?: string }[];
  timestamp?: number;
}

function positive(value: string | undefined, fallback: number): number | undefined {
  if (value === undefined) return fallback;
  const number = Number(value);
  return Number.isInteger(number) && number > 0 ? number : undefined;
}

/** `clawdbot sessions list`: the gateway's session index, newest first. */
export async function runSessionsListRemote(
  flags: GatewayFlags & { limit?: string; search?: string },
  output: Output = processOutput,
): Promise<number> {
  const limit = positive(flags.limit, 50);
  if (limit === undefined) {
    output.err('clawdbot: --limit expects a positive whole number\n');
    return 2;
  }
  return withGateway(flags, output, async (gateway) => {
    const payload = (await gateway.request('sessions.list', {
      limit,
      ...(flags.search === undefined ? {} : { search: flags.search }),
    })) as { count: number; sessions: SessionRow[] };
    if (flags.json) {
      printJson(output, payload);
      return 0;
    }
    if (payload.sessions.length === 0) output.out('No sessions yet.\n');
    for (const session of payload.sessions) {
      const extra = [
        session.channel,
        session.label ? `"${session.label}"` : undefined,
        session.host ? `host ${session.host}` : undefined,
      ].filter(Boolean);
      output.out(
        `${session.key}  ${new Date(session.updatedAt).toISOString()}  ` +
          `${session.inputTokens} in / ${session.outputTokens} out` +
          (extra.length > 0 ? `  (${extra.join(', ')})` : '') +
          '\n',
      );
    }
    return 0;
  });
}

function messageText(message: HistoryMessage): string {
  return (message.content ?? [])
    .map((block) =>
      block.type === 'text' ? (block.text ?? '') : block.name ? `[${block.name}]` : '',
    )
    .filter((text) => text !== '')
    .join(' ');
}

/** `clawdbot sessions history <key>`: a session's last messages, oldest first. */
export async function runSessionsHistory(
  key: string,
  flags: GatewayFlags & { limit?: string },
  output: Output = processOutput,
): Promise<number> {
  const limit = positive(flags.limit, 50);
  if (limit === undefined || limit > 1000) {
    output.err('clawdbot: --limit expects a whole number from 1 to 1000\n');
    return 2;
  }
  return withGateway(flags, output, async (gateway) => {
    const payload = (await gateway.request('chat.history', { sessionKey: key, limit })) as {
      sessionKey: string;
      messages: HistoryMessage[];
    };
    if (flags.json) {
      printJson(output, payload);
      return 0;
    }
    if (payload.messages.length === 0) output.out(`No messages in ${payload.sessionKey}.\n`);
    for (const message of payload.messages) {
      output.out(`${message.role}: ${messageText(message)}\n`);
    }
    return 0;
  });
}

/** `clawdbot sessions reset <key>`: give the key a fresh session (the old transcript stays). */
export async function runSessionsReset(
  key: string,
  flags: GatewayFlags,
  output: Output = processOutput,
): Promise<number> {
  return withGateway(flags, output, async (gateway) => {
    const payload = (await gateway.request('sessions.reset', { key, reason: 'reset' })) as {
      key: string;
      entry: { sessionId: string };
    };
    if (flags.json) printJson(output, payload);
    else output.out(`Reset ${payload.key}: new session ${payload.entry.sessionId}\n`);
    return 0;
  });
}

/** `clawdbot sessions delete <key>`: forget the key (its transcript is archived). */
export async function runSessionsDelete(
  key: string,
  flags: GatewayFlags,
  output: Output = processOutput,
): Promise<number> {
  return withGateway(flags, output, async (gateway) => {
    const payload = (await gateway.request('sessions.delete', { key })) as {
      key: string;
      deleted: boolean;
    };
    if (flags.json) printJson(output, payload);
    else output.out(payload.deleted ? `Deleted ${payload.key}\n` : `No session ${payload.key}\n`);
    return payload.deleted ? 0 : 1;
  });
}
