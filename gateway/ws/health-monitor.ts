/** The last health report, so connects and `health` events need not probe every time. */
import type { HealthReport } from '../../core/health.js';

/** Caches the gateway's health probe and counts versions (`stateVersion.health`). */
export class HealthMonitor {
  private report: HealthReport | undefined;
  /** Bumped on every probe. */
  version = 0;

  constructor(private readonly probeHealth: () => Promise<HealthReport>) {}

  /** Probe now and remember the result. */
  async probe(): Promise<HealthReport> {
    const report = await this.probeHealth();
    this.report = report;
    this.version += 1;
    return report;
  }

  /** The cached report, probing once if there is none yet. */
  current(): Promise<HealthReport> {
    return this.report === undefined ? this.probe() : Promise.resolve(this.report);
  }
}
