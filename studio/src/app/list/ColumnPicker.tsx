/** Show or hide columns: every field the caller may see, the shown ones first in their order. */
import { useState } from 'react';
import { Button, Checkbox, ListItemIcon, ListItemText, Menu, MenuItem } from '@mui/material';
import ViewColumnOutlinedIcon from '@mui/icons-material/ViewColumnOutlined';
import type { ListField } from './fields.ts';

export interface ColumnPickerProps {
  fields: ListField[];
  columns: string[];
  onChange: (columns: string[]) => void;
}

export function ColumnPicker({ fields, columns, onChange }: ColumnPickerProps) {
  const [anchor, setAnchor] = useState<HTMLElement | null>(null);
  const shown = columns.map((c) => fields.find((f) => f.name === c)).filter((f): f is ListField => !!f);
  const hidden = fields.filter((f) => !columns.includes(f.name) && f.kind !== 'json');
  const toggle = (name: string) => {
    if (columns.includes(name)) {
      if (columns.length > 1) onChange(columns.filter((c) => c !== name));
    } else onChange([...columns, name]);
  };
  return (
    <>
      <Button startIcon={<ViewColumnOutlinedIcon />} aria-haspopup="menu" onClick={(e) => setAnchor(e.currentTarget)}>Columns</Button>
      <Menu anchorEl={anchor} open={!!anchor} onClose={() => setAnchor(null)} slotProps={{ paper: { sx: { maxHeight: 420 } }, list: { 'aria-label': 'Columns' } }}>
        {[...shown, ...hidden].map((f) => {
          const on = columns.includes(f.name);
          return (
            <MenuItem key={f.name} role="menuitemcheckbox" aria-checked={on} onClick={() => toggle(f.name)} disabled={on && columns.length === 1} dense>
              <ListItemIcon><Checkbox edge="start" size="small" checked={on} tabIndex={-1} disableRipple slotProps={{ input: { 'aria-hidden': true } }} /></ListItemIcon>
              <ListItemText primary={f.label} />
            </MenuItem>
          );
        })}
      </Menu>
    </>
  );
}
