/**
 * How PostgreSQL values come back to JavaScript: record values follow CONTRACT §2 (numbers
 * as numbers, dates as YYYY-MM-DD, datetimes as ISO 8601 UTC), so parsers are set once here.
 */
import pg from 'pg';

let done = false;

export function setTypeParsers(): void {
  if (done) return;
  done = true;
  const { types } = pg;
  // int8 and numeric: CRM amounts and counts fit a double; the API speaks JSON numbers.
  types.setTypeParser(20, (v) => Number(v));
  types.setTypeParser(1700, (v) => Number(v));
  // date stays the calendar date it is, never shifted by a time zone.
  types.setTypeParser(1082, (v) => v);
  // timestamptz → ISO 8601 in UTC.
  types.setTypeParser(1184, (v) => new Date(v).toISOString());
  types.setTypeParser(1114, (v) => new Date(`${v}Z`).toISOString());
}
