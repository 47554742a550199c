import { appendFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { logsDir, openLogFile, readLogTail } from './log-files.js';

// Real files in a temp state dir, written as two processes (a gateway and a worker) would.
describe('process log files', () => {
  it('merges every process in time order and reads only new whole lines after a cursor', () => {
    const stateDir = mkdtempSync(join(tmpdir(), 'clawdbot-logs-'));
    const gateway = openLogFile(stateDir, 'gateway', { pid: 1 });
    const worker = openLogFile(stateDir, 'worker', { pid: 2 });
    gateway.record({ ts: 1000, level: 'info', name: 'clawdbot', message: 'gateway up' });
    worker.record({ ts: 1500, level: 'warn', name: 'clawdbot:worker', message: 'slow poll' });
    gateway.record({ ts: 2000, level: 'info', name: 'clawdbot:gateway', message: 'client in' });

    const first = readLogTail(stateDir);
    expect(first.lines.map((line) => [line.process, line.message])).toEqual([
      ['gateway-1', 'gateway up'],
      ['worker-2', 'slow poll'],
      ['gateway-1', 'client in'],
    ]);
    expect(readLogTail(stateDir, { limit: 1 }).lines.map((line) => line.message)).toEqual([
      'client in',
    ]);

    worker.record({ ts: 3000, level: 'error', name: 'clawdbot:worker', message: 'lost it' });
    // A line still being written is not read until it is whole.
    appendFileSync(join(logsDir(stateDir), 'gateway-1.jsonl'), '{"ts":4000,"lev');
    const next = readLogTail(stateDir, { cursor: first.cursor });
    expect(next.lines.map((line) => line.message)).toEqual(['lost it']);
    appendFileSync(
      join(logsDir(stateDir), 'gateway-1.jsonl'),
      'el":"info","name":"clawdbot","message":"whole now","process":"gateway-1"}\n',
    );
    const last = readLogTail(stateDir, { cursor: next.cursor });
    expect(last.lines.map((line) => line.message)).toEqual(['whole now']);
    expect(readLogTail(stateDir, { cursor: last.cursor }).lines).toEqual([]);
  });
});
