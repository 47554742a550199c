/**
 * A headless node's own state, `<stateDir>/node.json` (0600): its stable id, and the
 * device token the gateway issued when the owner approved it.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';

const nodeStateSchema = z.object({
  nodeId: z.string().min(1),
  displayName: z.string().min(1).optional(),
  token: z.string().min(1).optional(),
});
/** What a node remembers between runs. */
export type NodeState = z.infer<typeof nodeStateSchema>;

/** Read and write one node's state file. */
export class NodeStateFile {
  readonly file: string;

  constructor(stateDir: string) {
    mkdirSync(stateDir, { recursive: true, mode: 0o700 });
    this.file = join(stateDir, 'node.json');
  }

  /** The state, created with a new node id on first use. */
  load(overrides: { nodeId?: string; displayName?: string } = {}): NodeState {
    let state: NodeState | undefined;
    try {
      state = nodeStateSchema.parse(JSON.parse(readFileSync(this.file, 'utf8')));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    state ??= { nodeId: `node-${hostname()}-${randomBytes(3).toString('hex')}` };
    if (overrides.nodeId !== undefined && overrides.nodeId !== state.nodeId) {
      // A token belongs to the id it was issued for.
      state = { nodeId: overrides.nodeId };
    }
    if (overrides.displayName !== undefined) state.displayName = overrides.displayName;
    this.save(state);
    return state;
  }

  /** Write the state atomically. */
  save(state: NodeState): void {
    const temp = `${this.file}.tmp`;
    writeFileSync(temp, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
    renameSync(temp, this.file);
  }
}
