/** The manager hierarchy: a manager's team is everyone below them, at any depth. */
import type { Knex } from 'knex';
import { SYSTEM_SCHEMA } from '../db/names.ts';
import type { RegistryDoc } from '../metadata/deployed.ts';

export async function teamIds(knex: Knex, userId: string): Promise<string[]> {
  const { rows } = await knex.raw(
    `WITH RECURSIVE team AS (
       SELECT id, 0 AS depth FROM ${SYSTEM_SCHEMA}.users WHERE id = ?
       UNION
       SELECT u.id, t.depth + 1 FROM ${SYSTEM_SCHEMA}.users u JOIN team t ON u.manager_id = t.id WHERE t.depth < 32
     ) SELECT DISTINCT id FROM team`,
    [userId],
  );
  return (rows as Array<{ id: string }>).map((r) => r.id);
}

/** Whether any of these roles grants `team` access somewhere (only then is the team looked up). */
export function usesTeam(registry: RegistryDoc, roles: string[]): boolean {
  return registry.roles.some((r) => roles.includes(r.name) && Object.values(r.objects ?? {}).some((p) =>
    p.read === 'team' || p.update === 'team' || p.delete === 'team'));
}
