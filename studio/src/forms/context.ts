/** What the form's widgets and templates share: the object, the metadata, the layout sections. */
import type { RJSFSchema, WidgetProps } from '@rjsf/utils';
import type { DeployedField, DeployedObject } from '../api/types.ts';

export interface FormSection {
  key: string;
  label: string;
  collapsed: boolean;
  /** Field names per column. */
  columns: string[][];
}

export interface RecordFormContext {
  object: DeployedObject;
  /** Every object the caller may see (reference targets, titles). */
  objects: DeployedObject[];
  sections: FormSection[];
  /** Messages that belong to no field of the form (a rule on the whole record, a server error). */
  formErrors?: string[];
}

export type Values = Record<string, unknown>;
export type StrataWidgetProps = WidgetProps<Values, RJSFSchema, RecordFormContext>;

/** The field definition behind a widget (by the property name rjsf gives it). */
export function fieldOf(props: Pick<StrataWidgetProps, 'name' | 'registry'>): DeployedField | undefined {
  const ctx = props.registry.formContext as RecordFormContext | undefined;
  return ctx?.object.fields.find((f) => f.name === props.name);
}

export function objectNamed(props: Pick<StrataWidgetProps, 'registry'>, name: string | undefined): DeployedObject | undefined {
  const ctx = props.registry.formContext as RecordFormContext | undefined;
  return name ? ctx?.objects.find((o) => o.name === name) : undefined;
}
