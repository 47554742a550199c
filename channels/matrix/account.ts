/**
 * One running Matrix account: a matrix-js-sdk client (access token, or a password login
 * kept under <stateDir>/credentials/matrix/), the /sync loop handing room messages to the
 * channel runtime, invites joined per `autoJoin`, read markers on handled messages, and the
 * outbound calls.
 */
import { MatrixClient, MatrixError } from 'matrix-js-sdk';
import type { Logger } from '../../core/logger.js';
import type { ChannelAccountHandle, ChannelStartContext } from '../types.js';
import { shouldJoin, type MatrixInvite } from './auto-join.js';
import { credentialsOf, type MatrixAccount, type MatrixCredentials } from './config.js';
import { normalizeEvent, type MatrixRawEvent } from './normalize.js';
import { sdkLogger } from './sdk-logger.js';
import { MatrixOutbound } from './outbound.js';
import { MatrixRooms } from './rooms.js';
import { matrixStateFile, type MatrixState } from './state-file.js';
import { runSyncLoop, type SyncResponse } from './sync-loop.js';

/** Connect one account; throws (with the homeserver's reason) when it cannot start. */
export async function startMatrixAccount(
  context: ChannelStartContext<MatrixAccount>,
  env: NodeJS.ProcessEnv,
): Promise<ChannelAccountHandle> {
  const { account, accountId, logger } = context;
  const credentials = credentialsOf(account, accountId, env);
  if (!credentials) {
    throw new Error('no Matrix credentials: set homeserver, userId and accessToken or password');
  }
  const stateFile = matrixStateFile(context.stateDir, accountId);
  const stored = await stateFile.load();
  let state: MatrixState =
    stored?.userId === credentials.userId ? stored : { userId: credentials.userId };
  const session = await openSession(credentials, account, state, logger);
  if (session.state !== state) {
    state = session.state;
    await stateFile.save(state);
  }
  const client = session.client;
  const userId = credentials.userId;
  context.setStatus({ botName: userId, connected: true });
  if (account.encryption) {
    const reason =
      'encryption: true is not supported yet: encrypted rooms are not read (unencrypted rooms work)';
    logger.warn(reason);
    context.setStatus({ lastError: reason });
  }

  const rooms = new MatrixRooms(client, logger);
  const outbound = new MatrixOutbound(client, account.threadReplies);
  const stopping = new AbortController();
  const signal = AbortSignal.any([context.signal, stopping.signal]);
  const warnedEncrypted = new Set<string>();

  const download = async (mxc: string) => {
    // Authenticated media (Matrix 1.11) first; the legacy endpoint for older homeservers.
    for (const authenticated of [true, false]) {
      const url = client.mxcUrlToHttp(
        mxc,
        undefined,
        undefined,
        undefined,
        false,
        true,
        authenticated,
      );
      if (!url) break;
      const response = await fetch(url, {
        headers: { authorization: `Bearer ${client.getAccessToken() ?? ''}` },
        signal,
      });
      if (response.ok && response.body) return response.body;
      if (authenticated && (response.status === 404 || response.status === 400)) continue;
      throw new Error(`Matrix media download failed: HTTP ${response.status}`);
    }
    throw new Error(`not a Matrix media URI: ${mxc}`);
  };

  const join = async (invite: MatrixInvite): Promise<void> => {
    if (!shouldJoin(account, invite)) {
      logger.info('invite not accepted (autoJoin / access policy)', { ...invite });
      return;
    }
    await client.joinRoom(invite.roomId);
    if (invite.direct) await rooms.markDirect(invite.roomId, invite.inviter);
    logger.info('joined room', { ...invite });
  };

  /** Hand a room's new messages over in order; false when one was not taken. */
  const handleRoom = async (roomId: string, events: readonly MatrixRawEvent[]) => {
    for (const event of events) {
      if (event.type === 'm.room.encrypted' && event.sender !== userId) {
        if (!warnedEncrypted.has(roomId)) {
          warnedEncrypted.add(roomId);
          logger.warn('encrypted message not read: end-to-end encryption is not supported yet', {
            roomId,
          });
        }
        continue;
      }
      if (event.type !== 'm.room.message') continue;
      const inbound = normalizeEvent(event, {
        accountId,
        roomId,
        botUserId: userId,
        direct: await rooms.isDirect(roomId),
        download,
      });
      if (!inbound) continue;
      const outcome = await context.receive(inbound);
      logger.debug('message taken', { roomId, eventId: event.event_id, status: outcome.status });
      if (outcome.status === 'accepted' || outcome.status === 'duplicate') {
        outbound.markRead(roomId, event.event_id).catch((error: Error) => {
          logger.debug(`read marker not set: ${error.message}`);
        });
      }
    }
  };

  const handle = async (response: SyncResponse, initial: boolean): Promise<boolean> => {
    for (const event of response.account_data?.events ?? []) {
      if (event.type === 'm.direct') rooms.loadDirect(event.content);
    }
    for (const roomId of Object.keys(response.rooms?.leave ?? {})) rooms.forget(roomId);
    const invites = Object.entries(response.rooms?.invite ?? {}).map(([roomId, room]) =>
      inviteOf(roomId, room.invite_state?.events ?? [], userId),
    );
    const joined = Object.entries(response.rooms?.join ?? {});
    const results = await Promise.all([
      ...invites.map(async (invite) => {
        if (!invite) return true;
        try {
          await join(invite);
          return true;
        } catch (error) {
          logger.warn(`could not join ${invite.roomId}: ${(error as Error).message}`);
          return !(error instanceof MatrixError) || (error.httpStatus ?? 500) >= 500;
        }
      }),
      ...joined.map(async ([roomId, room]) => {
        const timeline = room.timeline?.events ?? [];
        rooms.applyMemberEvents(roomId, [...(room.state?.events ?? []), ...timeline]);
        // The first sync of a new account: history before it is not answered.
        if (initial) return true;
        // In a room the bot just joined, only what came after its join is for it.
        const joinedAt = timeline.findIndex(
          (event) =>
            event.type === 'm.room.member' &&
            event.state_key === userId &&
            event.content.membership === 'join',
        );
        const fresh = joinedAt >= 0 ? timeline.slice(joinedAt + 1) : timeline;
        if (room.timeline?.limited && joinedAt < 0) {
          logger.warn('more messages arrived than one sync holds; the oldest are skipped', {
            roomId,
          });
        }
        try {
          await handleRoom(roomId, fresh);
          return true;
        } catch (error) {
          logger.warn(`room ${roomId}: messages not taken, syncing again`, {
            reason: (error as Error).message,
          });
          return false;
        }
      }),
    ]);
    return results.every(Boolean);
  };

  const running = runSyncLoop({
    client,
    signal,
    logger,
    setStatus: (patch) => context.setStatus(patch),
    since: state.since,
    saveSince: async (since) => {
      state = { ...state, since };
      await stateFile.save(state);
    },
    handle,
  });
  logger.info('matrix account started', { userId, homeserver: credentials.homeserver });

  return {
    sendText: async (input) => {
      const sent = await outbound.sendText(input);
      await outbound.stopTyping(input.target.chatId);
      return sent;
    },
    sendMedia: (input) => outbound.sendMedia(input),
    sendTyping: (target) => outbound.sendTyping(target),
    probe: async () => ({ botName: (await client.whoami()).user_id }),
    stop: async () => {
      stopping.abort();
      await running;
      client.stopClient();
      context.setStatus({ connected: false });
    },
  };
}

/** The bot's pending invite in a room's invite state, if it is one. */
function inviteOf(
  roomId: string,
  events: readonly MatrixRawEvent[],
  userId: string,
): MatrixInvite | undefined {
  const member = events.find(
    (event) =>
      event.type === 'm.room.member' &&
      event.state_key === userId &&
      event.content.membership === 'invite',
  );
  if (!member) return undefined;
  return { roomId, inviter: member.sender, direct: member.content.is_direct === true };
}

/**
 * A client for the account: the configured access token, else the session a previous
 * password login stored, else a new password login (its token and device are stored so a
 * restart reuses the device). Verified with whoami.
 */
async function openSession(
  credentials: MatrixCredentials,
  account: MatrixAccount,
  state: MatrixState,
  logger: Logger,
): Promise<{ client: MatrixClient; state: MatrixState }> {
  const baseUrl = credentials.homeserver;
  const clientLogger = sdkLogger(logger.child('sdk'));
  // MatrixClient itself rather than createClient: no MatrixScheduler, whose own queue would
  // retry failed sends behind our back; delivery retries are Temporal's (with the same txn id).
  const connect = (accessToken: string, deviceId?: string) =>
    new MatrixClient({
      baseUrl,
      accessToken,
      userId: credentials.userId,
      ...(deviceId ? { deviceId } : {}),
      logger: clientLogger,
    });
  const verify = async (client: MatrixClient) => {
    const whoami = await client.whoami();
    if (whoami.user_id !== credentials.userId) {
      throw new Error(
        `the access token belongs to ${whoami.user_id}, not to userId ${credentials.userId}`,
      );
    }
  };
  const token = credentials.accessToken ?? state.accessToken;
  if (token) {
    const client = connect(token, credentials.accessToken ? undefined : state.deviceId);
    try {
      await verify(client);
      return { client, state };
    } catch (error) {
      const unknownToken = error instanceof MatrixError && error.errcode === 'M_UNKNOWN_TOKEN';
      if (credentials.accessToken || !credentials.password || !unknownToken) {
        throw describeLoginError(error);
      }
      logger.info('stored Matrix session expired; logging in again');
    }
  }
  const anonymous = new MatrixClient({ baseUrl, logger: clientLogger });
  let login;
  try {
    login = await anonymous.loginRequest({
      type: 'm.login.password',
      identifier: { type: 'm.id.user', user: credentials.userId },
      password: credentials.password!,
      initial_device_display_name: account.deviceName,
      ...(state.deviceId ? { device_id: state.deviceId } : {}),
    });
  } catch (error) {
    throw describeLoginError(error);
  }
  const client = connect(login.access_token, login.device_id);
  return {
    client,
    state: { ...state, accessToken: login.access_token, deviceId: login.device_id },
  };
}

function describeLoginError(error: unknown): Error {
  if (error instanceof MatrixError) {
    return new Error(
      `Matrix rejected the credentials (${error.errcode ?? error.httpStatus}): ${error.data.error ?? error.message}`,
      { cause: error },
    );
  }
  return new Error(
    `Matrix homeserver unreachable: ${error instanceof Error ? error.message : String(error)}`,
    { cause: error },
  );
}
