/**
 * Paired nodes and pending pair requests, in `<stateDir>/nodes/pairing.json` (0600).
 * Device tokens are stored as SHA-256 hashes only: the file alone lets nobody connect as
 * a node. Reads happen once at start; every change rewrites the small file atomically.
 */
import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';

/** Pending requests older than this are dropped (the node asks again on its next connect). */
const PENDING_TTL_MS = 60 * 60 * 1000;
/** Unpaired peers may connect without credentials: cap what they can make us store. */
const MAX_PENDING = 20;

const nodeFields = {
  nodeId: z.string().min(1),
  displayName: z.string().optional(),
  platform: z.string().optional(),
  version: z.string().optional(),
  deviceFamily: z.string().optional(),
  remoteIp: z.string().optional(),
  caps: z.array(z.string()).default([]),
  commands: z.array(z.string()).default([]),
};

/** A node waiting for the owner's decision. */
export const pendingNodeSchema = z.object({
  requestId: z.string().min(1),
  ...nodeFields,
  ts: z.number().int(),
});
/** A node waiting for the owner's decision. */
export type PendingNode = z.infer<typeof pendingNodeSchema>;

const pairedRecordSchema = z.object({
  ...nodeFields,
  tokenHash: z.string().min(1),
  createdAtMs: z.number().int(),
  approvedAtMs: z.number().int(),
  lastConnectedAtMs: z.number().int().optional(),
});
/** A paired node as the store keeps it (with its token's hash). */
type PairedRecord = z.infer<typeof pairedRecordSchema>;
/** A paired node as clients see it (never the token hash). */
export type PairedNode = Omit<PairedRecord, 'tokenHash'>;

const fileSchema = z.object({
  pending: z.array(pendingNodeSchema).default([]),
  paired: z.array(pairedRecordSchema).default([]),
});

/** What a node tells about itself when it asks to be paired. */
export type NodePairInput = Omit<PendingNode, 'requestId' | 'ts' | 'caps' | 'commands'> & {
  caps?: string[];
  commands?: string[];
};

/** The outcome of a pair request. */
export interface PairRequestOutcome {
  status: 'pending';
  created: boolean;
  request: PendingNode;
}

function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

function withoutHash(record: PairedRecord): PairedNode {
  const { tokenHash: _hidden, ...node } = record;
  return node;
}

/** The pairing store of one gateway. */
export class NodePairingStore {
  private readonly file: string;
  private pending: PendingNode[];
  private paired: PairedRecord[];

  constructor(stateDir: string) {
    const dir = join(stateDir, 'nodes');
    this.file = join(dir, 'pairing.json');
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    let data: z.infer<typeof fileSchema> = { pending: [], paired: [] };
    try {
      data = fileSchema.parse(JSON.parse(readFileSync(this.file, 'utf8')));
    } catch (error) {
      // A missing file is the normal first start; a corrupt one must not be silently replaced.
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    this.pending = data.pending;
    this.paired = data.paired;
  }

  /**
   * Record (or refresh) a pair request. A paired node that lost its token asks again like
   * a new one: approving it replaces the old token.
   */
  request(input: NodePairInput, now = Date.now()): PairRequestOutcome {
    this.expire(now);
    const fields = { ...input, caps: input.caps ?? [], commands: input.commands ?? [] };
    const existing = this.pending.find((request) => request.nodeId === input.nodeId);
    if (existing) {
      Object.assign(existing, fields);
      this.save();
      return { status: 'pending', created: false, request: existing };
    }
    if (this.pending.length >= MAX_PENDING) this.pending.shift();
    const request: PendingNode = { ...fields, requestId: randomUUID(), ts: now };
    this.pending.push(request);
    this.save();
    return { status: 'pending', created: true, request };
  }

  /** Pending requests and paired nodes. */
  list(now = Date.now()): { pending: PendingNode[]; paired: PairedNode[] } {
    this.expire(now);
    return { pending: [...this.pending], paired: this.paired.map(withoutHash) };
  }

  /** Find a pending request by its id or its node's id. */
  findPending(id: string): PendingNode | undefined {
    return this.pending.find((request) => request.requestId === id || request.nodeId === id);
  }

  /** Approve a request: the node is paired and gets a new device token (returned once, never stored). */
  approve(id: string, now = Date.now()): { node: PairedNode; token: string } | undefined {
    const request = this.findPending(id);
    if (!request) return undefined;
    const token = randomBytes(32).toString('base64url');
    const { requestId: _request, ts, ...fields } = request;
    const record: PairedRecord = {
      ...fields,
      tokenHash: hashToken(token),
      createdAtMs: ts,
      approvedAtMs: now,
    };
    this.pending = this.pending.filter((entry) => entry !== request);
    this.paired = [...this.paired.filter((node) => node.nodeId !== record.nodeId), record];
    this.save();
    return { node: withoutHash(record), token };
  }

  /** Reject a pending request. */
  reject(id: string): PendingNode | undefined {
    const request = this.findPending(id);
    if (!request) return undefined;
    this.pending = this.pending.filter((entry) => entry !== request);
    this.save();
    return request;
  }

  /** Forget a paired node: its token stops working at once. */
  revoke(nodeId: string): PairedNode | undefined {
    const record = this.paired.find((node) => node.nodeId === nodeId);
    if (!record) return undefined;
    this.paired = this.paired.filter((node) => node !== record);
    this.save();
    return withoutHash(record);
  }

  /** A paired node by id. */
  get(nodeId: string): PairedNode | undefined {
    const record = this.paired.find((node) => node.nodeId === nodeId);
    return record && withoutHash(record);
  }

  /** Whether `token` is the device token of the paired node `nodeId` (constant time). */
  verify(nodeId: string, token: string): boolean {
    const record = this.paired.find((node) => node.nodeId === nodeId);
    if (!record) return false;
    const given = Buffer.from(hashToken(token), 'hex');
    return timingSafeEqual(given, Buffer.from(record.tokenHash, 'hex'));
  }

  /** Note a paired node's connect (what it advertises now, and when). */
  touch(nodeId: string, update: Partial<Pick<PairedNode, 'caps' | 'commands' | 'remoteIp'>>): void {
    const record = this.paired.find((node) => node.nodeId === nodeId);
    if (!record) return;
    Object.assign(record, update, { lastConnectedAtMs: Date.now() });
    this.save();
  }

  private expire(now: number): void {
    const before = this.pending.length;
    this.pending = this.pending.filter((request) => now - request.ts < PENDING_TTL_MS);
    if (this.pending.length !== before) this.save();
  }

  private save(): void {
    const temp = `${this.file}.${process.pid}.tmp`;
    const data = { pending: this.pending, paired: this.paired };
    writeFileSync(temp, `${JSON.stringify(data, null, 2)}\n`, { mode: 0o600 });
    renameSync(temp, this.file);
  }
}
