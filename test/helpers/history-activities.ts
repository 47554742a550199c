import type { temporal } from '@temporalio/proto';

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;

/** The marker Temporal Core records for each local activity (its name is Core's). */
const localActivityMarker = 'core_local_activity';

/**
 * Names of the activities a history ran, in order: the scheduled ones and the local ones
 * (a local activity is recorded as a marker whose `data` names its type). A check that a
 * tool was not run must look at both: quick file tools run as local activities.
 */
export function activitiesRun(events: readonly HistoryEvent[]): string[] {
  return events.flatMap((event) => {
    const scheduled = event.activityTaskScheduledEventAttributes?.activityType?.name;
    if (scheduled) return [scheduled];
    const marker = event.markerRecordedEventAttributes;
    if (marker?.markerName !== localActivityMarker) return [];
    const data = marker.details?.['data']?.payloads?.[0]?.data;
    if (!data) return [];
    const { activity_type: type } = JSON.parse(Buffer.from(data).toString('utf8')) as {
      activity_type?: string;
    };
    return type ? [type] : [];
  });
}
