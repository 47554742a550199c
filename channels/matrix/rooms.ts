/**
 * Which joined rooms are direct chats: those in the bot's `m.direct` account data (kept up
 * to date when it joins a direct invite, as clients do) and rooms of exactly two members.
 * Members are fetched once per room and then followed through the member events of /sync.
 */
import { EventType, type MatrixClient } from 'matrix-js-sdk';
import type { Logger } from '../../core/logger.js';
import type { MatrixRawEvent } from './normalize.js';

/** The direct-room and member knowledge of one account. */
export class MatrixRooms {
  private readonly direct = new Set<string>();
  private readonly members = new Map<string, Set<string>>();

  constructor(
    private readonly client: MatrixClient,
    private readonly logger: Logger,
  ) {}

  /** Take the rooms of an `m.direct` account-data event. */
  loadDirect(content: Record<string, unknown>): void {
    for (const rooms of Object.values(content)) {
      if (!Array.isArray(rooms)) continue;
      for (const room of rooms) if (typeof room === 'string') this.direct.add(room);
    }
  }

  /** Record a room as the direct chat with `userId`, in m.direct too (survives restarts). */
  async markDirect(roomId: string, userId: string): Promise<void> {
    this.direct.add(roomId);
    try {
      const current =
        ((await this.client.getAccountDataFromServer(EventType.Direct)) as Record<
          string,
          string[]
        >) ?? {};
      const rooms = current[userId] ?? [];
      if (rooms.includes(roomId)) return;
      await this.client.setAccountDataRaw(EventType.Direct, {
        ...current,
        [userId]: [...rooms, roomId],
      });
    } catch (error) {
      // Only the restart-proof record failed; the two-member rule still applies.
      this.logger.warn(`m.direct not updated for ${roomId}: ${(error as Error).message}`);
    }
  }

  /** Follow membership changes of a room the bot knows the members of. */
  applyMemberEvents(roomId: string, events: readonly MatrixRawEvent[]): void {
    const members = this.members.get(roomId);
    if (!members) return;
    for (const event of events) {
      if (event.type !== 'm.room.member' || event.state_key === undefined) continue;
      if (event.content.membership === 'join') members.add(event.state_key);
      else members.delete(event.state_key);
    }
  }

  /** Whether a joined room is a direct chat (fetching its members the first time). */
  async isDirect(roomId: string): Promise<boolean> {
    if (this.direct.has(roomId)) return true;
    let members = this.members.get(roomId);
    if (!members) {
      const joined = await this.client.getJoinedRoomMembers(roomId);
      members = new Set(Object.keys(joined.joined));
      this.members.set(roomId, members);
    }
    return members.size === 2;
  }

  /** The bot left or was removed: forget what was known. */
  forget(roomId: string): void {
    this.members.delete(roomId);
  }
}
