import { builtInChannels } from '../../channels/index.js';
import { resolveChannelAccounts } from '../../channels/runtime/account-config.js';
import { channelConfigWithPlugins } from '../../core/plugins/plugin-runtime.js';
import { commandContext, type RuntimeFlags } from '../context.js';
import { loadProcessPlugins } from '../runtime/plugins.js';

/** `clawdbot channels list [--json]`: the channels this build and its plugins have, and the accounts config sets up (no gateway needed). */
export async function runChannelsList(
  flags: Pick<RuntimeFlags, 'stateDir'> & { json?: boolean },
  write: (text: string) => void = (text) => process.stdout.write(text),
): Promise<number> {
  const { config: loaded, paths, logger } = commandContext(flags);
  const plugins = await loadProcessPlugins({ config: loaded, paths, logger });
  const config = channelConfigWithPlugins(loaded, plugins, logger);
  const channelPlugins = [...builtInChannels, ...plugins.channels.map((each) => each.channel)];
  const accounts = resolveChannelAccounts(config, channelPlugins);
  const rows = channelPlugins.map((plugin) => ({
    channel: plugin.id,
    label: plugin.label,
    accounts: accounts
      .filter((account) => account.plugin.id === plugin.id)
      .map((account) => ({
        accountId: account.accountId,
        enabled: account.options.enabled,
        configured: account.configured,
        dmPolicy: account.options.dmPolicy,
        groupPolicy: account.options.groupPolicy,
      })),
  }));
  if (flags.json) {
    write(`${JSON.stringify({ channels: rows }, null, 2)}\n`);
    return 0;
  }
  if (rows.length === 0) write('No channels in this build.\n');
  for (const row of rows) {
    if (row.accounts.length === 0) {
      write(`${row.channel} (${row.label}): not configured\n`);
      continue;
    }
    for (const account of row.accounts) {
      const state = !account.enabled
        ? 'disabled'
        : account.configured
          ? 'configured'
          : 'missing credentials';
      write(
        `${row.channel}:${account.accountId} (${row.label}): ${state}, dmPolicy ${account.dmPolicy}, groupPolicy ${account.groupPolicy}\n`,
      );
    }
  }
  return 0;
}
