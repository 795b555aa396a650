/** Dates (`YYYY-MM-DD`, a calendar day) and date-times (stored in UTC, edited in local time). */
import { TextField } from '@mui/material';
import type { StrataWidgetProps } from '../context.ts';
import { fromLocalInput, toLocalInput } from '../format.ts';
import { describedBy } from '../templates.tsx';

export function DateWidget(props: StrataWidgetProps) {
  const { id, label, value, required, disabled, readonly, rawErrors = [], onChange, onBlur, onFocus, schema } = props;
  return (
    <TextField
      id={id}
      name={id}
      label={label}
      type="date"
      value={typeof value === 'string' ? value.slice(0, 10) : ''}
      required={required}
      disabled={disabled}
      error={rawErrors.length > 0}
      fullWidth
      size="small"
      onChange={(e) => onChange(e.target.value || undefined)}
      onBlur={(e) => onBlur(id, e.target.value)}
      onFocus={(e) => onFocus(id, e.target.value)}
      slotProps={{
        inputLabel: { shrink: true },
        htmlInput: { readOnly: readonly, min: '0001-01-01', max: '9999-12-31', 'aria-describedby': describedBy(id, !!schema.description, rawErrors.length > 0) },
      }}
    />
  );
}

export function DateTimeWidget(props: StrataWidgetProps) {
  const { id, label, value, required, disabled, readonly, rawErrors = [], onChange, onBlur, onFocus, schema } = props;
  return (
    <TextField
      id={id}
      name={id}
      label={label}
      type="datetime-local"
      value={typeof value === 'string' ? toLocalInput(value) : ''}
      required={required}
      disabled={disabled}
      error={rawErrors.length > 0}
      fullWidth
      size="small"
      onChange={(e) => onChange(fromLocalInput(e.target.value))}
      onBlur={(e) => onBlur(id, e.target.value)}
      onFocus={(e) => onFocus(id, e.target.value)}
      slotProps={{
        inputLabel: { shrink: true },
        htmlInput: { readOnly: readonly, 'aria-describedby': describedBy(id, !!schema.description, rawErrors.length > 0) },
      }}
    />
  );
}
