/** `clawdbot node run` and `clawdbot nodes ...`, registered on the program in one call. */
import type { Command } from 'commander';
import { runNode, type NodeRunFlags } from './node-run.js';
import {
  runNodesApprove,
  runNodesDescribe,
  runNodesInvoke,
  runNodesList,
  runNodesPending,
  runNodesReject,
  runNodesRevoke,
  type NodesFlags,
} from './nodes.js';

/** Add the node commands to the program. */
export function registerNodeCommands(program: Command): void {
  program
    .command('node')
    .description('this machine as a node of a gateway')
    .command('run')
    .description(
      'run a headless node: system.run, system.notify, system.which (and screen/camera when present)',
    )
    .requiredOption('--gateway <url>', 'the gateway WebSocket, e.g. ws://host:18789')
    .option('--state-dir <dir>', "the node's state (node.json, node-allowlist.json)")
    .option('--node-id <id>', 'node id (default: generated once and kept in node.json)')
    .option('--display-name <name>', 'name shown to the owner')
    .action(async (flags: NodeRunFlags) => {
      process.exitCode = await runNode(flags);
    });

  const nodes = program.command('nodes').description('paired nodes (companion devices)');
  const common = (command: Command) =>
    command
      .option('--state-dir <dir>', 'state directory')
      .option('--port <port>', 'gateway port (default from config)')
      .option('--json', 'print JSON');
  for (const name of ['list', 'status']) {
    common(nodes.command(name))
      .description('known nodes: paired, connected, what they offer')
      .action(async (flags: NodesFlags) => {
        process.exitCode = await runNodesList(flags);
      });
  }
  common(nodes.command('pending'))
    .description('pair requests waiting for approval')
    .action(async (flags: NodesFlags) => {
      process.exitCode = await runNodesPending(flags);
    });
  common(nodes.command('approve <requestId>'))
    .description('pair a node (a request id or its node id)')
    .action(async (id: string, flags: NodesFlags) => {
      process.exitCode = await runNodesApprove(id, flags);
    });
  common(nodes.command('reject <requestId>'))
    .description('reject a pair request')
    .action(async (id: string, flags: NodesFlags) => {
      process.exitCode = await runNodesReject(id, flags);
    });
  common(nodes.command('revoke <nodeId>'))
    .description('unpair a node: its device token stops working and it is disconnected')
    .action(async (id: string, flags: NodesFlags) => {
      process.exitCode = await runNodesRevoke(id, flags);
    });
  common(nodes.command('describe <nodeId>'))
    .description("one node's details")
    .action(async (id: string, flags: NodesFlags) => {
      process.exitCode = await runNodesDescribe(id, flags);
    });
  common(nodes.command('invoke <nodeId> <command>'))
    .description('run a command on a node, e.g. system.which --params \'{"bins":["git"]}\'')
    .option('--params <json>', 'the command params as JSON')
    .option('--timeout <ms>', 'how long to wait for the node')
    .action(
      async (
        id: string,
        command: string,
        flags: NodesFlags & { params?: string; timeout?: string },
      ) => {
        process.exitCode = await runNodesInvoke(id, command, flags);
      },
    );
}
