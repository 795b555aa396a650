/**
 * A board move the server refused for want of values (a rule such as "Say why the deal was
 * lost", a required field): asks for exactly the fields its errors name, then moves with them.
 */
import { useState } from 'react';
import { Box, Button, Dialog, DialogActions, DialogContent, DialogContentText, DialogTitle } from '@mui/material';
import { FieldInput } from './FieldInput.tsx';
import { draftOf, valueOfDraft, type Draft } from './fieldValue.ts';
import type { ListField } from './fields.ts';

export interface MoveRequest {
  title: string;
  toLabel: string;
  fields: ListField[];
  /** Why, per field, as the server said. */
  reasons: Record<string, string>;
}

export function MoveDialog({ request, onCancel, onMove }: {
  request: MoveRequest;
  onCancel(): void;
  /** Moves with the values; rejects with the server's problems per field, or a message. */
  onMove(values: Record<string, unknown>): Promise<Record<string, string> | undefined>;
}) {
  const [drafts, setDrafts] = useState<Record<string, Draft>>(() => Object.fromEntries(request.fields.map((f) => [f.name, draftOf(f.kind, null)])));
  const [errors, setErrors] = useState<Record<string, string>>(request.reasons);
  const [busy, setBusy] = useState(false);

  const submit = async () => {
    const values: Record<string, unknown> = {};
    const problems: Record<string, string> = {};
    for (const f of request.fields) {
      const parsed = valueOfDraft(f.kind, drafts[f.name] ?? null);
      if (!parsed.ok) problems[f.name] = parsed.message;
      else if (parsed.value === null || parsed.value === '') problems[f.name] = request.reasons[f.name] ?? `Enter ${f.label.toLowerCase()}`;
      else values[f.name] = parsed.value;
    }
    setErrors(problems);
    if (Object.keys(problems).length) return;
    setBusy(true);
    try {
      const left = await onMove(values);
      if (left) setErrors(left);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Dialog open onClose={() => !busy && onCancel()} aria-labelledby="move-dialog-title" fullWidth maxWidth="xs">
      <Box component="form" noValidate onSubmit={(e) => { e.preventDefault(); void submit(); }}>
        <DialogTitle id="move-dialog-title">Move “{request.title}” to {request.toLabel}</DialogTitle>
        <DialogContent sx={{ display: 'grid', gap: 2, pt: '8px !important' }}>
          <DialogContentText variant="body2">{request.toLabel} needs {request.fields.length === 1 ? 'this field' : 'these fields'}:</DialogContentText>
          {request.fields.map((f, i) => (
            <FieldInput
              key={f.name} field={f} draft={drafts[f.name] ?? null} label={f.label} fullWidth autoFocus={i === 0} error={errors[f.name]}
              onChange={(d) => { setDrafts((x) => ({ ...x, [f.name]: d })); setErrors(({ [f.name]: _gone, ...rest }) => rest); }}
            />
          ))}
        </DialogContent>
        <DialogActions>
          <Button onClick={onCancel} disabled={busy}>Cancel</Button>
          <Button type="submit" variant="contained" disabled={busy}>Move</Button>
        </DialogActions>
      </Box>
    </Dialog>
  );
}
