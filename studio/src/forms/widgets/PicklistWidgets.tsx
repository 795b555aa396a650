/**
 * Picklists: a native select (keyboard and phone friendly, its label tied to it) showing the
 * options' labels; multipicklists: an autocomplete of chips.
 */
import { Autocomplete, Chip, TextField } from '@mui/material';
import { fieldOf, type StrataWidgetProps } from '../context.ts';
import { describedBy } from '../templates.tsx';

export interface Option { value: string; label: string }

/** The options of a picklist field (labels from the metadata), in their order. */
export function optionsOf(props: StrataWidgetProps): Option[] {
  const f = fieldOf(props);
  if (f && (f.type === 'picklist' || f.type === 'multipicklist')) return f.options.map((o) => ({ value: o.value, label: o.label ?? o.value }));
  const labels = (props.schema['x-strata-labels'] ?? {}) as Record<string, string>;
  const items = props.schema.items;
  const source = Array.isArray(props.schema.enum) ? props.schema.enum : items && typeof items === 'object' && !Array.isArray(items) && Array.isArray(items.enum) ? items.enum : [];
  return source.filter((v): v is string => typeof v === 'string').map((v) => ({ value: v, label: labels[v] ?? v }));
}

export function PicklistWidget(props: StrataWidgetProps) {
  const { id, label, value, required, disabled, readonly, rawErrors = [], onChange, onBlur, onFocus, schema } = props;
  const options = optionsOf(props);
  const current = typeof value === 'string' ? value : '';
  // A stored value no longer among the options (metadata changed) still shows.
  const all = current && !options.some((o) => o.value === current) ? [...options, { value: current, label: current }] : options;
  return (
    <TextField
      id={id}
      name={id}
      label={label}
      select
      value={current}
      required={required}
      disabled={disabled || readonly}
      error={rawErrors.length > 0}
      fullWidth
      size="small"
      onChange={(e) => onChange(e.target.value === '' ? undefined : e.target.value)}
      onBlur={(e) => onBlur(id, e.target.value)}
      onFocus={(e) => onFocus(id, e.target.value)}
      slotProps={{
        select: { native: true },
        // Empty: the label sits in the box, as with text inputs; chosen: it moves up.
        inputLabel: { shrink: !!current },
        htmlInput: { 'aria-describedby': describedBy(id, !!schema.description, rawErrors.length > 0) },
      }}
    >
      <option value="" aria-label="None" />
      {all.map((o) => <option key={o.value} value={o.value}>{o.label}</option>)}
    </TextField>
  );
}

export function MultiPicklistWidget(props: StrataWidgetProps) {
  const { id, label, value, required, disabled, readonly, rawErrors = [], onChange, onBlur, onFocus, schema } = props;
  const options = optionsOf(props);
  const selected = Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
  const chosen = selected.map((v) => options.find((o) => o.value === v) ?? { value: v, label: v });
  return (
    <Autocomplete
      id={id}
      multiple
      disableCloseOnSelect
      options={options}
      value={chosen}
      disabled={disabled}
      readOnly={readonly}
      getOptionLabel={(o) => o.label}
      isOptionEqualToValue={(a, b) => a.value === b.value}
      onChange={(_e, next) => onChange(next.length ? next.map((o) => o.value) : undefined)}
      onBlur={() => onBlur(id, value)}
      onFocus={() => onFocus(id, value)}
      renderValue={(items, getItemProps) => items.map((o, index) => {
        const { key, ...itemProps } = getItemProps({ index });
        return <Chip key={key} size="small" label={o.label} {...itemProps} />;
      })}
      renderInput={(params) => (
        <TextField
          {...params}
          label={label}
          required={required && !selected.length}
          error={rawErrors.length > 0}
          size="small"
          inputProps={{ ...params.inputProps, 'aria-describedby': describedBy(id, !!schema.description, rawErrors.length > 0) }}
        />
      )}
    />
  );
}
