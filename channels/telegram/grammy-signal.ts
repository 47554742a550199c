/**
 * grammy's Node typings name the `abort-controller` polyfill's AbortSignal; at run time it
 * hands the signal to node-fetch, which accepts Node's own AbortSignal (it checks the
 * constructor name). This converts the type once instead of casting at every call.
 */
import type { Api } from 'grammy';

/** The AbortSignal type grammy's API methods declare. */
export type GrammySignal = NonNullable<Parameters<Api['getMe']>[0]>;

/** Node's AbortSignal as grammy's declared type. */
export function grammySignal(signal: AbortSignal): GrammySignal {
  return signal as unknown as GrammySignal;
}
