// How the views write times and durations: relative for recent events ("3 min ago"), with
// the exact local time in the title for a person who needs it.

const units: [Intl.RelativeTimeFormatUnit, number][] = [
  ['day', 86_400_000],
  ['hour', 3_600_000],
  ['minute', 60_000],
  ['second', 1000],
];

/** "in 5 min" / "3 s ago" for an epoch-ms time, relative to `now`. */
export function relativeTime(ms: number, now = Date.now()): string {
  const delta = ms - now;
  const format = new Intl.RelativeTimeFormat('en', { numeric: 'auto', style: 'short' });
  for (const [unit, size] of units) {
    if (Math.abs(delta) >= size || unit === 'second')
      return format.format(Math.round(delta / size), unit);
  }
  return format.format(0, 'second');
}

/** The local date and time of an epoch-ms time (or an ISO string). */
export function localTime(time: number | string): string {
  return new Date(time).toLocaleString('en-GB', { hour12: false });
}

/** A duration in ms as a person reads it ("850 ms", "12 s", "3 min 5 s", "2 h"). */
export function duration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${Math.round(ms / 100) / 10} s`;
  if (ms < 3_600_000) {
    const minutes = Math.floor(ms / 60_000);
    const seconds = Math.round((ms % 60_000) / 1000);
    return seconds === 0 ? `${minutes} min` : `${minutes} min ${seconds} s`;
  }
  if (ms < 86_400_000) return `${Math.round(ms / 360_000) / 10} h`;
  return `${Math.round(ms / 8_640_000) / 10} d`;
}
