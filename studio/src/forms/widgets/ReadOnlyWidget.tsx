/**
 * Formula, rollup and autonumber fields (computed by the server), and fields the caller may read
 * but not change: shown formatted, never sent.
 */
import { InputAdornment, TextField } from '@mui/material';
import FunctionsIcon from '@mui/icons-material/Functions';
import LockOutlinedIcon from '@mui/icons-material/LockOutlined';
import { fieldOf, type StrataWidgetProps } from '../context.ts';
import { displayValue, userLocale } from '../format.ts';
import { describedBy } from '../templates.tsx';

const WHAT: Record<string, string> = {
  formula: 'Calculated from other fields',
  rollup: 'Summarised from related records',
  autonumber: 'Numbered automatically on save',
};

export function ReadOnlyWidget(props: StrataWidgetProps) {
  const { id, label, value, schema } = props;
  const f = fieldOf(props);
  const text = displayValue(f, value, userLocale(), props.registry.formContext?.objects);
  const computed = WHAT[f?.type ?? ''];
  const what = computed ?? 'You may read this field but not change it';
  const Icon = computed ? FunctionsIcon : LockOutlinedIcon;
  return (
    <TextField
      id={id}
      name={id}
      label={label}
      value={text || '—'}
      fullWidth
      size="small"
      variant="outlined"
      sx={{ '& .MuiInputBase-root': { bgcolor: 'action.hover' } }}
      slotProps={{
        inputLabel: { shrink: true },
        htmlInput: { readOnly: true, 'aria-readonly': true, title: what, 'aria-describedby': describedBy(id, !!schema.description, false), sx: { textAlign: typeof value === 'number' ? 'right' : undefined } },
        input: {
          endAdornment: (
            <InputAdornment position="end" title={what}>
              <Icon fontSize="small" color="action" aria-hidden />
            </InputAdornment>
          ),
        },
      }}
    />
  );
}
