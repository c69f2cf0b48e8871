// Straddle's `payment_date` is a US Eastern (America/New_York) calendar date: today's Eastern date
// originates at once, a later one waits `scheduled`, an earlier one is refused. Timestamps are UTC.
const EASTERN = new Intl.DateTimeFormat('en-US', {
  timeZone: 'America/New_York',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
});

/** Today's date in New York at `ms`, as `YYYY-MM-DD`. */
export function easternDate(ms: number): string {
  const parts = Object.fromEntries(EASTERN.formatToParts(new Date(ms)).map((p) => [p.type, p.value]));
  return `${parts.year}-${parts.month}-${parts.day}`;
}

export const isoTime = (ms: number) => new Date(ms).toISOString();
