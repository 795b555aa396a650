/**
 * A value typed by its field: a picklist's options, yes/no, a number, a date, text, or a record
 * picked by its name (the app's ReferencePicker: an admin never pastes an id).
 */
import { useState } from 'react';
import { Checkbox, FormControlLabel, FormGroup, FormLabel, MenuItem, TextField, type SxProps, type Theme } from '@mui/material';
import type { FieldDef, JsonValue } from '../../../metadata/types.ts';
import { ReferencePicker } from '../app/list/ReferencePicker.tsx';
import { effectiveType, NUMBER_TYPES } from './fieldTypes.ts';

export interface ValueInputProps {
  label: string;
  field: FieldDef | undefined;
  value: JsonValue | undefined;
  onChange: (v: JsonValue | undefined) => void;
  /** Extra choices that stand for something (`$user.id` → "the current user"). */
  specials?: Record<string, string>;
  size?: 'small' | 'medium';
  sx?: SxProps<Theme>;
  /** Several values (multipicklist defaults, "is one of"). */
  multiple?: boolean;
  helperText?: string;
  /** What the empty choice says ("Choose…", "No default"). */
  emptyLabel?: string;
}

function numberOf(s: string): JsonValue | undefined {
  if (s.trim() === '') return undefined;
  const n = Number(s);
  return Number.isFinite(n) ? n : s;
}

export function ValueInput({ label, field, value, onChange, specials = {}, size = 'small', sx, multiple, helperText, emptyLabel = 'Choose…' }: ValueInputProps) {
  const type = field ? effectiveType(field) : 'text';
  const options = field && (field.type === 'picklist' || field.type === 'multipicklist') ? field.options : undefined;
  const specialItems = Object.entries(specials);
  const [free, setFree] = useState(false);
  const style: SxProps<Theme> = { minWidth: 160, ...sx };

  // A record is chosen by its name, never typed as an id; the specials are offered above it.
  // One record only: no builder offers "is one of" for a reference (filterModel, ruleModel).
  if (field?.type === 'reference' && !multiple) {
    return (
      <ReferencePicker to={field.to} label={label} value={typeof value === 'string' && value ? value : null}
        onChange={(id) => onChange(id ?? undefined)} specials={specials} size={size} sx={{ minWidth: 240, ...sx } as SxProps<Theme>} helperText={helperText} />
    );
  }

  if (multiple && options) {
    const chosen = Array.isArray(value) ? value.map(String) : [];
    return (
      <FormGroup sx={{ ...style, flex: '1 1 320px' } as SxProps<Theme>} role="group" aria-label={label}>
        <FormLabel component="span" sx={{ fontSize: '0.8rem' }}>{label}</FormLabel>
        <div style={{ display: 'flex', flexWrap: 'wrap' }}>
          {options.map((o) => (
            <FormControlLabel key={o.value} label={o.label ?? o.value} control={
              <Checkbox size="small" checked={chosen.includes(o.value)}
                onChange={(e) => onChange(e.target.checked ? [...chosen, o.value] : chosen.filter((x) => x !== o.value))} />
            } />
          ))}
        </div>
      </FormGroup>
    );
  }
  if (options || type === 'boolean' || specialItems.length) {
    const items: Array<[string, string]> = options
      ? options.map((o) => [o.value, o.label ?? o.value])
      : type === 'boolean' ? [['true', 'Yes'], ['false', 'No']] : [];
    const asText = value === undefined || value === null ? '' : typeof value === 'object' ? JSON.stringify(value) : String(value);
    const known = items.some(([v]) => v === asText) || specialItems.some(([v]) => v === asText);
    // Free input stays possible next to the specials for types without a list.
    if (!options && type !== 'boolean' && (free || (!known && asText !== ''))) {
      return <Plain label={label} type={type} value={value} onChange={onChange} size={size} sx={style} helperText={helperText} />;
    }
    return (
      <TextField select label={label} size={size} sx={style} value={known ? asText : ''} helperText={helperText}
        slotProps={{ select: { displayEmpty: true }, inputLabel: { shrink: true } }}
        onChange={(e) => {
          const v = e.target.value;
          if (v === '__other') { setFree(true); onChange(undefined); return; }
          if (type === 'boolean') onChange(v === '' ? undefined : v === 'true');
          else onChange(v === '' ? undefined : v);
        }}>
        <MenuItem value=""><em>{emptyLabel}</em></MenuItem>
        {items.map(([v, l]) => <MenuItem key={v} value={v}>{l}</MenuItem>)}
        {specialItems.map(([v, l]) => <MenuItem key={v} value={v}>{l}</MenuItem>)}
        {!options && type !== 'boolean' && <MenuItem value="__other">A value I type…</MenuItem>}
      </TextField>
    );
  }
  return <Plain label={label} type={type} value={value} onChange={onChange} size={size} sx={style} helperText={helperText} />;
}

function Plain({ label, type, value, onChange, size, sx, helperText }: {
  label: string; type: string; value: JsonValue | undefined; onChange: (v: JsonValue | undefined) => void;
  size: 'small' | 'medium'; sx: SxProps<Theme>; helperText?: string;
}) {
  const numeric = NUMBER_TYPES.has(type);
  const inputType = numeric ? 'number' : type === 'date' ? 'date' : 'text';
  const text = value === undefined || value === null ? '' : typeof value === 'object' ? JSON.stringify(value) : String(value);
  return (
    <TextField
      label={label} size={size} sx={sx} type={inputType} value={text} helperText={helperText ?? (type === 'datetime' ? 'e.g. 2025-01-31T09:00:00Z' : undefined)}
      onChange={(e) => onChange(numeric ? numberOf(e.target.value) : e.target.value)}
      slotProps={{ inputLabel: inputType === 'date' ? { shrink: true } : undefined, htmlInput: numeric ? { step: 'any' } : undefined }}
    />
  );
}
