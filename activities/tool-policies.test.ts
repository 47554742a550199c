import { describe, expect, it } from 'vitest';
import { toolPolicies } from './turn.js';

describe('tool policies', () => {
  it('runs the quick file tools as local activities on a single host', () => {
    const policies = toolPolicies();
    for (const name of ['read_file', 'write_file', 'edit_file'])
      expect(policies[name], name).toMatchObject({ local: true });
    for (const name of ['bash', 'process', 'web_fetch', 'browser', 'apply_patch'])
      expect(policies[name]?.local, name).toBeUndefined();
  });

  it("sends them to the owning host's queue in a cluster, never locally", () => {
    const placement = {
      hostId: 'laptop',
      owner: 'desktop',
      taskQueue: 'clawdbot',
      hostToolTimeoutMs: 5000,
    };
    const policies = toolPolicies(placement);
    for (const name of ['read_file', 'write_file', 'edit_file']) {
      expect(policies[name]?.local, name).toBeUndefined();
      expect(policies[name]?.taskQueue, name).toBeDefined();
      expect(policies[name]?.taskQueue, name).toContain('desktop');
    }
  });
});
