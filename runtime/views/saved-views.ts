/**
 * Saved list views kept on the server: personal ones (their owner's, in every browser) and
 * shared ones (made by admins, offered to everyone who may read the object). A view holds
 * what the list screen shows: columns, filter, sort, table or board, and the board's grouping.
 * Filters are stored as given and checked, like any filter, when the list asks for records.
 */
import type { Knex } from 'knex';
import { SYSTEM_SCHEMA } from '../db/names.ts';
import { StrataError, forbidden, notFound, type FieldProblem } from '../errors.ts';
import { isUuid } from '../../metadata/record-schema.ts';

const T = `${SYSTEM_SCHEMA}.saved_views`;
const MAX_FILTER_BYTES = 20_000;

export interface SavedView {
  id: string;
  object: string;
  name: string;
  shared: boolean;
  /** Whether the caller may replace or delete it. */
  mine: boolean;
  columns: string[];
  filter?: Record<string, unknown>;
  sort: string[];
  type: 'table' | 'kanban';
  groupBy?: string;
  savedAt: string;
}

interface Definition { columns: string[]; filter?: Record<string, unknown>; sort: string[]; type: 'table' | 'kanban'; groupBy?: string }
interface Row { id: string; owner_id: string | null; object: string; name: string; definition: Definition; updated_at: Date | string }

export interface Viewer { id: string; admin: boolean }

const strings = (v: unknown, max: number): v is string[] =>
  Array.isArray(v) && v.length <= max && v.every((x) => typeof x === 'string' && x.length > 0 && x.length <= 200);

function toView(r: Row, viewer: Viewer): SavedView {
  const d = r.definition;
  return {
    id: r.id, object: r.object, name: r.name, shared: r.owner_id === null, mine: r.owner_id === viewer.id || (r.owner_id === null && viewer.admin),
    columns: d.columns, ...(d.filter ? { filter: d.filter } : {}), sort: d.sort, type: d.type, ...(d.groupBy ? { groupBy: d.groupBy } : {}),
    savedAt: new Date(r.updated_at).toISOString(),
  };
}

/** The input checked: a clear 400 with field paths, never a half-stored view. */
export function parseViewInput(input: unknown): { name: string; shared: boolean; definition: Definition } {
  const o = (input && typeof input === 'object' && !Array.isArray(input) ? input : {}) as Record<string, unknown>;
  const problems: FieldProblem[] = [];
  const name = typeof o.name === 'string' ? o.name.trim() : '';
  if (!name || name.length > 80) problems.push({ field: 'name', code: 'required', message: 'Name the view (at most 80 characters)' });
  if (!strings(o.columns, 200) || !(o.columns as string[]).length) problems.push({ field: 'columns', code: 'type', message: 'columns is a list of field names' });
  if (o.sort !== undefined && !strings(o.sort, 20)) problems.push({ field: 'sort', code: 'type', message: 'sort is a list of field names, each maybe with a leading -' });
  if (o.type !== undefined && o.type !== 'table' && o.type !== 'kanban') problems.push({ field: 'type', code: 'enum', message: 'type is table or kanban' });
  if (o.groupBy !== undefined && o.groupBy !== null && (typeof o.groupBy !== 'string' || o.groupBy.length > 200)) problems.push({ field: 'groupBy', code: 'type', message: 'groupBy is a field name' });
  if (o.shared !== undefined && typeof o.shared !== 'boolean') problems.push({ field: 'shared', code: 'type', message: 'shared is true or false' });
  if (o.filter !== undefined && o.filter !== null) {
    if (typeof o.filter !== 'object' || Array.isArray(o.filter)) problems.push({ field: 'filter', code: 'type', message: 'filter is a filter object' });
    else if (JSON.stringify(o.filter).length > MAX_FILTER_BYTES) problems.push({ field: 'filter', code: 'too_long', message: `filter is at most ${MAX_FILTER_BYTES} characters of JSON` });
  }
  if (problems.length) throw new StrataError(400, 'invalid_view', 'The view is not valid', problems);
  const filter = o.filter && Object.keys(o.filter).length ? (o.filter as Record<string, unknown>) : undefined;
  return {
    name, shared: o.shared === true,
    definition: {
      columns: o.columns as string[], sort: (o.sort as string[] | undefined) ?? [], type: o.type === 'kanban' ? 'kanban' : 'table',
      ...(filter ? { filter } : {}), ...(typeof o.groupBy === 'string' ? { groupBy: o.groupBy } : {}),
    },
  };
}

/** The viewer's own views of an object, then the shared ones, each by name. */
export async function listSavedViews(knex: Knex, viewer: Viewer, object: string): Promise<SavedView[]> {
  const { rows } = await knex.raw(
    `SELECT * FROM ${T} WHERE object = ? AND (owner_id = ? OR owner_id IS NULL) ORDER BY owner_id IS NULL, lower(name)`,
    [object, viewer.id],
  );
  return (rows as Row[]).map((r) => toView(r, viewer));
}

/** Saves under a name: the viewer's view (or the shared one) of that name is replaced. */
export async function saveView(knex: Knex, viewer: Viewer, object: string, input: unknown): Promise<SavedView> {
  const v = parseViewInput(input);
  if (v.shared && !viewer.admin) throw forbidden('Only an admin may share a view with everyone');
  const owner = v.shared ? null : viewer.id;
  const { rows } = await knex.raw(
    `INSERT INTO ${T} (owner_id, object, name, definition) VALUES (?, ?, ?, ?::jsonb)
     ON CONFLICT (coalesce(owner_id, '00000000-0000-0000-0000-000000000000'::uuid), object, lower(name))
     DO UPDATE SET name = excluded.name, definition = excluded.definition, updated_at = now()
     RETURNING *`,
    [owner, object, v.name, JSON.stringify(v.definition)],
  );
  return toView(rows[0] as Row, viewer);
}

export async function deleteSavedView(knex: Knex, viewer: Viewer, object: string, id: string): Promise<void> {
  if (!isUuid(id)) throw notFound('No such view');
  const { rows } = await knex.raw(`SELECT owner_id FROM ${T} WHERE id = ? AND object = ?`, [id, object]);
  const row = rows[0] as { owner_id: string | null } | undefined;
  // Someone else's personal view is as good as absent.
  if (!row || (row.owner_id !== null && row.owner_id !== viewer.id)) throw notFound('No such view');
  if (row.owner_id === null && !viewer.admin) throw forbidden('Only an admin may delete a shared view');
  await knex.raw(`DELETE FROM ${T} WHERE id = ?`, [id]);
}
