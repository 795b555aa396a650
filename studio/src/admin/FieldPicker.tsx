/** A field picker that shows each field's type, so people pick knowing what they get. */
import { MenuItem, TextField, type SxProps, type Theme } from '@mui/material';
import type { FieldDef } from '../../../metadata/types.ts';
import { fieldLabel, typeLabel } from './fieldTypes.ts';

export const SYSTEM_FIELD_LABELS: Record<string, string> = {
  ownerId: 'Owner', createdAt: 'Created at', createdBy: 'Created by', updatedAt: 'Updated at', updatedBy: 'Updated by',
};

export function FieldPicker({
  label, value, fields, onChange, system = false, required = false, size = 'small', sx, emptyLabel, helperText, error, id,
}: {
  label: string;
  value: string;
  fields: FieldDef[];
  onChange: (name: string) => void;
  /** Offer the system fields every record has (owner, created/updated). */
  system?: boolean;
  required?: boolean;
  size?: 'small' | 'medium';
  sx?: SxProps<Theme>;
  emptyLabel?: string;
  helperText?: string;
  error?: boolean;
  id?: string;
}) {
  return (
    <TextField
      select id={id} label={label} value={value} onChange={(e) => onChange(e.target.value)} size={size} required={required}
      sx={{ minWidth: 160, ...sx }} helperText={helperText} error={error}
      slotProps={{
        // The chosen field shows by its label alone; the menu shows types too.
        select: {
          displayEmpty: emptyLabel !== undefined,
          renderValue: (v) => {
            const name = String(v ?? '');
            if (!name) return <em>{emptyLabel}</em>;
            const f = fields.find((x) => x.name === name);
            return f ? fieldLabel(f) : SYSTEM_FIELD_LABELS[name] ?? name;
          },
        },
        ...(emptyLabel !== undefined ? { inputLabel: { shrink: true } } : {}),
      }}
    >
      {emptyLabel !== undefined && <MenuItem value=""><em>{emptyLabel}</em></MenuItem>}
      {fields.map((f) => (
        <MenuItem key={f.name} value={f.name}>
          {fieldLabel(f)}
          <span style={{ marginLeft: 8, opacity: 0.6, fontSize: '0.85em' }}>{typeLabel(f)}</span>
        </MenuItem>
      ))}
      {system && Object.entries(SYSTEM_FIELD_LABELS).map(([name, l]) => (
        <MenuItem key={name} value={name}>{l}<span style={{ marginLeft: 8, opacity: 0.6, fontSize: '0.85em' }}>{name.endsWith('At') ? 'Date and time' : 'User'}</span></MenuItem>
      ))}
    </TextField>
  );
}
