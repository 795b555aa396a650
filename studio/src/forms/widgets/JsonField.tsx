/** A json field: edited as JSON text; saved only when it parses. */
import { useState } from 'react';
import { TextField } from '@mui/material';
import { errorId, type FieldProps, type RJSFSchema } from '@rjsf/utils';
import type { RecordFormContext } from '../context.ts';

export function JsonField(props: FieldProps<Record<string, unknown>, RJSFSchema, RecordFormContext>) {
  const { fieldPathId, formData, onChange, schema, disabled, readonly, rawErrors = [] } = props;
  const id = fieldPathId.$id;
  const [text, setText] = useState(() => (formData === undefined || formData === null ? '' : JSON.stringify(formData, null, 2)));
  const [bad, setBad] = useState(false);
  const label = typeof schema.title === 'string' ? schema.title : props.name;
  return (
    <TextField
      id={id}
      label={label}
      multiline
      minRows={3}
      fullWidth
      size="small"
      value={text}
      disabled={disabled}
      error={bad || rawErrors.length > 0}
      helperText={bad ? 'Not valid JSON yet' : 'JSON'}
      onChange={(e) => {
        setText(e.target.value);
        if (!e.target.value.trim()) {
          setBad(false);
          onChange(undefined, fieldPathId.path);
          return;
        }
        try {
          const v: unknown = JSON.parse(e.target.value);
          setBad(false);
          onChange(v as Record<string, unknown>, fieldPathId.path);
        } catch {
          setBad(true);
        }
      }}
      slotProps={{ htmlInput: { readOnly: readonly, spellCheck: false, 'aria-describedby': rawErrors.length ? errorId(id) : undefined, style: { fontFamily: 'monospace' } } }}
    />
  );
}
