import { describe, expect, it } from 'vitest';
import { cronAddParams, describeSchedule, emptyDraft } from './cron-draft.js';

describe('cron form', () => {
  it('turns minutes and a local time into the wire units', () => {
    const every = { ...emptyDraft(), kind: 'every' as const, everyMinutes: '90', message: 'hi' };
    expect(cronAddParams(every)).toEqual({
      schedule: { kind: 'every', everyMs: 90 * 60_000 },
      sessionTarget: 'main',
      payload: { kind: 'agentTurn', message: 'hi' },
    });
    const at = { ...emptyDraft(), kind: 'at' as const, at: '2030-01-02T09:30', message: 'hi' };
    const schedule = cronAddParams(at).schedule as { at: string };
    expect(Date.parse(schedule.at)).toBe(new Date('2030-01-02T09:30').getTime());
    expect(schedule.at).toMatch(/^2030-01-02T09:30:00[+-]\d\d:\d\d$/);
  });

  it('says what to fix', () => {
    expect(() => cronAddParams(emptyDraft())).toThrow(/message/);
    expect(() => cronAddParams({ ...emptyDraft(), message: 'm' })).toThrow(/cron expression/);
    expect(() =>
      cronAddParams({ ...emptyDraft(), kind: 'every', everyMinutes: '0', message: 'm' }),
    ).toThrow(/above 0/);
  });

  it('fills the form from a job to edit it, and describes schedules', () => {
    const job = {
      id: 'j1',
      name: 'n',
      schedule: { kind: 'cron' as const, expr: '0 9 * * 1-5', tz: 'Europe/Berlin' },
      sessionTarget: 'isolated' as const,
      sessionKey: 'agent:main:x',
      payload: { kind: 'agentTurn' as const, message: 'go' },
    };
    expect(cronAddParams(emptyDraft(job))).toEqual({
      name: 'n',
      schedule: { kind: 'cron', expr: '0 9 * * 1-5', tz: 'Europe/Berlin' },
      sessionTarget: 'isolated',
      sessionKey: 'agent:main:x',
      payload: { kind: 'agentTurn', message: 'go' },
    });
    expect(describeSchedule(job.schedule)).toBe('cron 0 9 * * 1-5 (Europe/Berlin)');
    expect(describeSchedule({ kind: 'every', everyMs: 7_200_000 })).toBe('every 2 h');
    expect(describeSchedule({ kind: 'every', everyMs: 900_000 })).toBe('every 15 min');
  });
});
