/** Text, email, phone, URL, long text and checkbox inputs: MUI fields with their labels tied to them. */
import { Checkbox, FormControlLabel, IconButton, InputAdornment, TextField } from '@mui/material';
import OpenInNewIcon from '@mui/icons-material/OpenInNew';
import MailOutlineIcon from '@mui/icons-material/MailOutline';
import PhoneIcon from '@mui/icons-material/Phone';
import { fieldOf, type StrataWidgetProps } from '../context.ts';
import { VisuallyHidden } from '../VisuallyHidden.tsx';
import { describedBy } from '../templates.tsx';

function safeHref(type: string | undefined, v: unknown): string | undefined {
  if (typeof v !== 'string' || !v) return undefined;
  if (type === 'email' && /^[^\s@]+@[^\s@]+$/.test(v)) return `mailto:${v}`;
  if (type === 'phone' && /^[+0-9 ().\-/x]+$/.test(v)) return `tel:${v.replace(/[^+0-9]/g, '')}`;
  if (type === 'url') {
    try {
      const u = new URL(v);
      return u.protocol === 'http:' || u.protocol === 'https:' ? u.href : undefined;
    } catch {
      return undefined;
    }
  }
  return undefined;
}

const INPUT_TYPE: Record<string, string> = { email: 'email', phone: 'tel', url: 'url' };

export function TextWidget(props: StrataWidgetProps) {
  const { id, label, value, required, disabled, readonly, rawErrors = [], onChange, onBlur, onFocus, autofocus, schema } = props;
  const f = fieldOf(props);
  const type = f?.type;
  const href = safeHref(type, value);
  const Icon = type === 'email' ? MailOutlineIcon : type === 'phone' ? PhoneIcon : OpenInNewIcon;
  const action = type === 'email' ? 'Email' : type === 'phone' ? 'Call' : 'Open';
  return (
    <TextField
      id={id}
      name={id}
      label={label}
      type={INPUT_TYPE[type ?? ''] ?? 'text'}
      value={typeof value === 'string' || typeof value === 'number' ? value : ''}
      required={required}
      disabled={disabled}
      error={rawErrors.length > 0}
      autoFocus={autofocus}
      fullWidth
      size="small"
      onChange={(e) => onChange(e.target.value === '' ? undefined : e.target.value)}
      onBlur={(e) => onBlur(id, e.target.value)}
      onFocus={(e) => onFocus(id, e.target.value)}
      slotProps={{
        htmlInput: {
          'aria-describedby': describedBy(id, !!schema.description, rawErrors.length > 0),
          readOnly: readonly,
          autoComplete: type === 'email' ? 'email' : type === 'phone' ? 'tel' : type === 'url' ? 'url' : 'off',
          inputMode: type === 'phone' ? 'tel' : type === 'email' ? 'email' : type === 'url' ? 'url' : undefined,
        },
        input: href ? {
          endAdornment: (
            <InputAdornment position="end">
              <IconButton size="small" edge="end" component="a" href={href} target={type === 'url' ? '_blank' : undefined} rel="noopener noreferrer">
                <Icon fontSize="small" aria-hidden />
                <VisuallyHidden>{`${action} ${String(value)}`}</VisuallyHidden>
              </IconButton>
            </InputAdornment>
          ),
        } : undefined,
      }}
    />
  );
}

export function TextareaWidget(props: StrataWidgetProps) {
  const { id, label, value, required, disabled, readonly, rawErrors = [], onChange, onBlur, onFocus, schema } = props;
  return (
    <TextField
      id={id}
      name={id}
      label={label}
      multiline
      minRows={3}
      maxRows={16}
      value={typeof value === 'string' ? value : ''}
      required={required}
      disabled={disabled}
      error={rawErrors.length > 0}
      fullWidth
      size="small"
      onChange={(e) => onChange(e.target.value === '' ? undefined : e.target.value)}
      onBlur={(e) => onBlur(id, e.target.value)}
      onFocus={(e) => onFocus(id, e.target.value)}
      slotProps={{ htmlInput: { readOnly: readonly, 'aria-describedby': describedBy(id, !!schema.description, rawErrors.length > 0) } }}
    />
  );
}

export function CheckboxWidget(props: StrataWidgetProps) {
  const { id, label, value, disabled, readonly, rawErrors = [], onChange, onBlur, onFocus, schema } = props;
  return (
    <FormControlLabel
      label={label}
      control={(
        <Checkbox
          id={id}
          name={id}
          checked={value === true}
          disabled={disabled || readonly}
          onChange={(e) => onChange(e.target.checked)}
          onBlur={() => onBlur(id, value)}
          onFocus={() => onFocus(id, value)}
          slotProps={{ input: { 'aria-describedby': describedBy(id, !!schema.description, rawErrors.length > 0) } }}
        />
      )}
    />
  );
}
