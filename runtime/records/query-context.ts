/** The query compiler's view of a record context: objects, caller, and field visibility. */
import type { DeployedObject } from '../metadata/deployed.ts';
import type { QueryContext } from '../query/context.ts';
import type { RecordContext } from './context.ts';

export function queryContext(ctx: RecordContext, object: DeployedObject): QueryContext {
  return {
    object,
    objectByName: (name) => {
      const o = ctx.registry.objects.find((x) => x.name === name);
      return o && ctx.access.canSeeObject(o) ? o : undefined;
    },
    user: { id: ctx.user.id },
    fieldVisible: (o, f) => ctx.access.field(o, f) !== 'none',
    readableRows: (o) => ctx.access.rows(o, 'read'),
  };
}
