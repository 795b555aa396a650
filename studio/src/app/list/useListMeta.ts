/** The metadata one list screen works from: the object, its fields, its views, how to format. */
import { useMemo } from 'react';
import { useMetadata } from '../../api/hooks.ts';
import { rightsOf } from '../../api/rights.ts';
import type { DeployedObject, ViewDef } from '../../api/types.ts';
import { titleOf } from '../apps.ts';
import { listFields, type Kind, type ListField } from './fields.ts';
import type { FormatContext } from './format.ts';
import { useUserNames } from './listApi.ts';

export interface ListMeta {
  object: DeployedObject;
  objects: DeployedObject[];
  fields: ListField[];
  byName: Map<string, ListField>;
  kinds: Record<string, Kind>;
  views: ViewDef[];
  format: FormatContext;
  /** "opportunities" as in "No opportunities yet". */
  plural: string;
}

export function useListMeta(objectName: string) {
  const meta = useMetadata();
  const userName = useUserNames();
  const value = useMemo((): ListMeta | undefined => {
    const objects = meta.data?.objects ?? [];
    const object = objects.find((o) => o.name === objectName);
    if (!object) return undefined;
    // What the caller may only read is not edited in place, in bulk or by a drag on the board.
    const readOnly = new Set(rightsOf(meta.data, objectName).readOnlyFields);
    const fields = listFields(object, objects).map((f) => (f.editable && readOnly.has(f.name) ? { ...f, editable: false } : f));
    const byName = new Map(fields.map((f) => [f.name, f]));
    const kinds = Object.fromEntries(fields.map((f) => [f.name, f.kind]));
    const views = (meta.data?.views ?? []).filter((v) => v.object === objectName);
    const format: FormatContext = {
      locale: typeof navigator === 'undefined' ? undefined : navigator.language,
      titleOf: (to, rec) => titleOf(objects.find((o) => o.name === to), rec),
      userName,
    };
    return { object, objects, fields, byName, kinds, views, format, plural: (object.pluralLabel ?? object.label).toLowerCase() };
  }, [meta.data, objectName, userName]);
  return { meta: value, isPending: meta.isPending, isError: meta.isError, error: meta.error, refetch: meta.refetch };
}
