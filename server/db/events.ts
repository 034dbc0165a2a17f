import { sql } from 'drizzle-orm';
import { studyEventSchema, type StudyEvent } from '../../shared/events.ts';
import type { Tx } from './client.ts';

/** The channel every study event goes out on; the dashboard hub listens to it in every process. */
export const EVENTS_CHANNEL = 'tracearena_events';

/** An event as it travels: for a statement that sends it itself (`pg_notify(EVENTS_CHANNEL, …)`). */
export function eventPayload(event: StudyEvent): string {
  return JSON.stringify(event);
}

/** Inside a transaction the notification is delivered on commit only: nothing unstored is announced. */
export async function notifyEvent(db: Tx, event: StudyEvent): Promise<void> {
  await db.execute(sql`select pg_notify(${EVENTS_CHANNEL}, ${eventPayload(event)})`);
}

/** A payload heard on the channel, parsed with the schema it was sent with; anything else is null. */
export function parseEventPayload(payload: string): StudyEvent | null {
  let json: unknown;
  try {
    json = JSON.parse(payload);
  } catch {
    return null;
  }
  const event = studyEventSchema.safeParse(json);
  return event.success ? event.data : null;
}
