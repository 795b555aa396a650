/** The widgets of record forms, by the names the layout's uiSchema uses (and rjsf's defaults). */
import { getDefaultRegistry } from '@rjsf/core';
import type { RegistryFieldsType, RegistryWidgetsType, RJSFSchema } from '@rjsf/utils';
import type { RecordFormContext } from '../context.ts';
import { DateTimeWidget, DateWidget } from './DateWidgets.tsx';
import { JsonField } from './JsonField.tsx';
import { NumberWidget } from './NumberWidget.tsx';
import { MultiPicklistWidget, PicklistWidget } from './PicklistWidgets.tsx';
import { ReadOnlyWidget } from './ReadOnlyWidget.tsx';
import { ReferenceLookup } from './ReferenceLookup.tsx';
import { RichTextWidget } from './RichTextWidget.tsx';
import { CheckboxWidget, TextareaWidget, TextWidget } from './TextWidgets.tsx';

type Values = Record<string, unknown>;
type W = RegistryWidgetsType<Values, RJSFSchema, RecordFormContext>;

export const widgets: W = {
  text: TextWidget,
  TextWidget,
  textarea: TextareaWidget,
  TextareaWidget,
  checkbox: CheckboxWidget,
  CheckboxWidget,
  number: NumberWidget,
  currency: NumberWidget,
  percent: NumberWidget,
  picklist: PicklistWidget,
  SelectWidget: PicklistWidget,
  multipicklist: MultiPicklistWidget,
  reference: ReferenceLookup,
  date: DateWidget,
  datetime: DateTimeWidget,
  richtext: RichTextWidget,
  readonly: ReadOnlyWidget,
};

const core = getDefaultRegistry<Values, RJSFSchema, RecordFormContext>();

export const fields: RegistryFieldsType<Values, RJSFSchema, RecordFormContext> = {
  json: JsonField,
  // Numbers go straight to our number widget, which parses locale input itself (rjsf's
  // NumberField would re-parse and cache the typed text).
  NumberField: core.fields.StringField,
};

export { TextWidget, TextareaWidget, CheckboxWidget, NumberWidget, PicklistWidget, MultiPicklistWidget, ReferenceLookup, DateWidget, DateTimeWidget, RichTextWidget, ReadOnlyWidget, JsonField };
