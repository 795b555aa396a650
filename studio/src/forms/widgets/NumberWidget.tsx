/**
 * Integer, decimal, currency and percent inputs. While you type: the plain number in your
 * locale (`1234,5` in German); otherwise the formatted value (`1,234.50`). Currency shows its
 * symbol, percent a `%` (12.5 means 12.5 %, as stored).
 */
import { useState } from 'react';
import { InputAdornment, TextField } from '@mui/material';
import { fieldOf, type StrataWidgetProps } from '../context.ts';
import { CURRENCY, editableNumber, formatNumber, parseNumber, userLocale } from '../format.ts';
import { describedBy } from '../templates.tsx';

export function currencySymbol(locale = userLocale()): string {
  return new Intl.NumberFormat(locale, { style: 'currency', currency: CURRENCY }).formatToParts(0).find((p) => p.type === 'currency')?.value ?? CURRENCY;
}

export function NumberWidget(props: StrataWidgetProps) {
  const { id, label, value, required, disabled, readonly, rawErrors = [], onChange, onBlur, onFocus, schema } = props;
  const f = fieldOf(props);
  const kind = f?.type === 'currency' || f?.type === 'percent' || f?.type === 'integer' ? f.type : 'decimal';
  const scale = typeof schema['x-strata-scale'] === 'number' ? schema['x-strata-scale'] : kind === 'integer' ? 0 : undefined;
  const locale = userLocale();
  const [editing, setEditing] = useState<string | null>(null);
  const shown = editing !== null
    ? editing
    : typeof value === 'number'
      ? formatNumber(value, kind === 'currency' || kind === 'percent' ? 'decimal' : kind, scale, locale)
      : typeof value === 'string' ? value : '';
  const change = (text: string) => {
    setEditing(text);
    const n = parseNumber(text, locale);
    // Not a number: keep the text, so validation says so rather than losing what was typed.
    onChange(n === undefined ? undefined : Number.isNaN(n) ? text : n);
  };
  return (
    <TextField
      id={id}
      name={id}
      label={label}
      value={shown}
      required={required}
      disabled={disabled}
      error={rawErrors.length > 0}
      fullWidth
      size="small"
      onChange={(e) => change(e.target.value)}
      onFocus={(e) => {
        setEditing(typeof value === 'number' ? editableNumber(value, locale) : typeof value === 'string' ? value : '');
        onFocus(id, e.target.value);
      }}
      onBlur={() => {
        setEditing(null);
        onBlur(id, value);
      }}
      slotProps={{
        htmlInput: {
          inputMode: kind === 'integer' ? 'numeric' : 'decimal',
          readOnly: readonly,
          'aria-describedby': describedBy(id, !!schema.description, rawErrors.length > 0),
          sx: { textAlign: 'right' },
        },
        input: {
          startAdornment: kind === 'currency' ? <InputAdornment position="start">{currencySymbol(locale)}</InputAdornment> : undefined,
          endAdornment: kind === 'percent' ? <InputAdornment position="end">%</InputAdornment> : undefined,
        },
      }}
    />
  );
}
