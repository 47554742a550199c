/** Who is connected: the gateway itself plus one entry per client, versioned for clients' caches. */
import { hostname, platform, release } from 'node:os';
import type { ConnectParams, PresenceEntry } from '../../core/protocol/index.js';
import { clawdbotVersion } from '../../core/version.js';

/** The presence list of one gateway. */
export class PresenceRegistry {
  private readonly entries = new Map<string, PresenceEntry>();
  private readonly self: PresenceEntry;
  /** Bumped on every change (`stateVersion.presence`). */
  version = 1;

  constructor(now: number = Date.now()) {
    const host = hostname();
    this.self = {
      host,
      version: clawdbotVersion,
      platform: `${platform()} ${release()}`,
      mode: 'gateway',
      reason: 'self',
      text: `Gateway: ${host} · app ${clawdbotVersion} · mode gateway · reason self`,
      ts: now,
    };
  }

  /** Add or replace a connection's entry. */
  upsert(connId: string, params: ConnectParams, ip: string | undefined): void {
    const { client } = params;
    const entry: PresenceEntry = {
      host: client.displayName ?? client.id,
      version: client.version,
      platform: client.platform,
      mode: client.mode,
      reason: 'connect',
      roles: [params.role],
      scopes: params.scopes,
      instanceId: client.instanceId ?? connId,
      ts: Date.now(),
    };
    if (ip !== undefined) entry.ip = ip;
    if (client.deviceFamily !== undefined) entry.deviceFamily = client.deviceFamily;
    if (client.modelIdentifier !== undefined) entry.modelIdentifier = client.modelIdentifier;
    this.entries.set(connId, entry);
    this.version += 1;
  }

  /** Remove a connection's entry; true if there was one. */
  remove(connId: string): boolean {
    const removed = this.entries.delete(connId);
    if (removed) this.version += 1;
    return removed;
  }

  /** The gateway first, then clients in connection order. */
  list(): PresenceEntry[] {
    return [this.self, ...this.entries.values()];
  }
}
