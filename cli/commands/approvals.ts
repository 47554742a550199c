import {
  printJson,
  processOutput,
  withGateway,
  type GatewayFlags,
  type Output,
} from '../gateway-command.js';

interface ApprovalRow {
  approvalId: string;
  sessionKey: string;
  runId: string;
  toolName: string;
  args: Record<string, unknown>;
  requestedAt: number;
  expiresAt: number;
}

/** `clawdbot approvals list`: tool calls waiting for a person's decision, across running turns. */
export async function runApprovalsList(
  flags: GatewayFlags,
  output: Output = processOutput,
): Promise<number> {
  return withGateway(flags, output, async (gateway) => {
    const payload = (await gateway.request('exec.approval.list', {})) as {
      approvals: ApprovalRow[];
    };
    if (flags.json) {
      printJson(output, payload);
      return 0;
    }
    if (payload.approvals.length === 0) output.out('No tool calls are waiting for approval.\n');
    for (const approval of payload.approvals) {
      const left = Math.max(0, Math.round((approval.expiresAt - Date.now()) / 1000));
      output.out(
        `${approval.approvalId}  ${approval.toolName} ${JSON.stringify(approval.args).slice(0, 120)}\n` +
          `  session ${approval.sessionKey}, run ${approval.runId}, expires in ${left}s\n`,
      );
    }
    return 0;
  });
}

/** `clawdbot approvals allow|deny <id> [--reason]`: decide one waiting tool call. */
export async function runApprovalsResolve(
  id: string,
  decision: 'allow' | 'deny',
  flags: GatewayFlags & { reason?: string },
  output: Output = processOutput,
): Promise<number> {
  return withGateway(flags, output, async (gateway) => {
    const payload = await gateway.request('exec.approval.resolve', {
      id,
      decision,
      ...(flags.reason === undefined ? {} : { reason: flags.reason }),
    });
    if (flags.json) printJson(output, payload);
    else output.out(`${decision === 'allow' ? 'Allowed' : 'Denied'} ${id}\n`);
    return 0;
  });
}
