/**
 * Action groups: `channels.<id>.actions.<group>` switches a family of platform operations
 * (reactions, pins, moderation...) on or off for an account. Unset groups keep the
 * default their tool declares — on for most, off for the ones that act on people
 * (moderation, roles), as OpenClaw does.
 */
import type { CommonAccountOptions } from '../types.js';

/** Whether `group` is on for the account: its setting, else `defaultOn`. */
export function actionGroupEnabled(
  options: Pick<CommonAccountOptions, 'actions'>,
  group: string,
  defaultOn: boolean,
): boolean {
  return options.actions?.[group] ?? defaultOn;
}

/** The refusal the model reads for an action whose group is off: it names the switch. */
export function actionDisabledText(
  tool: string,
  channel: string,
  action: string,
  group: string,
): string {
  return (
    `${tool} "${action}" is turned off for ${channel}: its action group "${group}" is ` +
    `disabled. The owner can allow it with channels.${channel}.actions.${group}: true ` +
    `in clawdbot.json. It was not run.`
  );
}
