/**
 * A field both this person and someone else changed: both values side by side, the person
 * picks one per field, then saves (not before every field has a pick). Until they pick, their
 * own value stays in the form.
 */
import { Alert, AlertTitle, Box, Button, FormControlLabel, Paper, Radio, RadioGroup, Typography } from '@mui/material';
import type { DeployedObject } from '../api/types.ts';
import type { FieldConflict } from './merge.ts';
import { displayValue, userLocale } from './format.ts';
import { fieldLabel } from './labels.ts';

interface Props {
  object: DeployedObject;
  objects: DeployedObject[];
  conflicts: FieldConflict[];
  /** What the person picked so far, per field. */
  chosen: Record<string, 'mine' | 'theirs'>;
  onChoose(field: string, take: 'mine' | 'theirs'): void;
  saving: boolean;
  onSave(): void;
}

export function ConflictPanel({ object, objects, conflicts, chosen, onChoose, saving, onSave }: Props) {
  const locale = userLocale();
  return (
    <Alert severity="warning" sx={{ mb: 2, '& .MuiAlert-message': { width: '100%' } }}>
      <AlertTitle>Someone else changed {conflicts.length === 1 ? 'a field' : 'fields'} you changed</AlertTitle>
      <Typography variant="body2" sx={{ mb: 1 }}>
        Their other changes and yours are both kept. Choose which value to keep for each field below, then save. Until then your value stays in the form.
      </Typography>
      <Box sx={{ display: 'grid', gap: 1.5 }}>
        {conflicts.map((c) => {
          const f = object.fields.find((x) => x.name === c.field);
          const label = f ? fieldLabel(f) : c.field;
          const show = (v: unknown) => displayValue(f, v, locale, objects) || '(empty)';
          const picked = chosen[c.field] ?? '';
          const labelId = `conflict-${c.field}`;
          return (
            <Paper key={c.field} variant="outlined" sx={{ p: 1.5, bgcolor: 'background.paper' }}>
              <Typography id={labelId} variant="subtitle2" component="h3" sx={{ mb: 0.5 }}>{label}</Typography>
              <RadioGroup
                aria-labelledby={labelId} value={picked}
                onChange={(e) => onChoose(c.field, e.target.value as 'mine' | 'theirs')}
                sx={{ display: 'grid', gridTemplateColumns: { xs: '1fr', sm: '1fr 1fr' }, gap: 1 }}
              >
                {(['mine', 'theirs'] as const).map((side) => (
                  <FormControlLabel
                    key={side} value={side} control={<Radio size="small" />}
                    sx={{ m: 0, pr: 1, border: 1, borderColor: picked === side ? 'primary.main' : 'divider', borderRadius: 1, alignItems: 'flex-start', '& .MuiRadio-root': { pt: 0.5 } }}
                    label={(
                      <Box sx={{ py: 0.5, minWidth: 0 }}>
                        <Typography variant="caption" color="text.secondary" component="span" sx={{ display: 'block' }}>{side === 'mine' ? 'Yours' : 'Theirs (saved)'}</Typography>
                        <Typography variant="body2" component="span" sx={{ overflowWrap: 'anywhere' }}>{show(side === 'mine' ? c.mine : c.theirs)}</Typography>
                      </Box>
                    )}
                  />
                ))}
              </RadioGroup>
            </Paper>
          );
        })}
      </Box>
      <Button variant="contained" size="small" sx={{ mt: 1.5 }} onClick={onSave} disabled={saving}>Save with these values</Button>
    </Alert>
  );
}
