/** A picklist's values: label, stored value, colour; drag (or keyboard) to reorder. */
import { useRef } from 'react';
import { Box, Button, IconButton, TextField, Tooltip, Typography } from '@mui/material';
import Add from '@mui/icons-material/Add';
import Close from '@mui/icons-material/Close';
import DragIndicator from '@mui/icons-material/DragIndicator';
import {
  DndContext, KeyboardSensor, PointerSensor, closestCenter, useSensor, useSensors, type DragEndEvent, type Announcements,
} from '@dnd-kit/core';
import { SortableContext, arrayMove, sortableKeyboardCoordinates, useSortable, verticalListSortingStrategy } from '@dnd-kit/sortable';
import { CSS } from '@dnd-kit/utilities';
import type { PicklistOption } from '../../../metadata/types.ts';
import { nameFromLabel } from './names.ts';

export interface EditableOption extends PicklistOption {
  /** Stable while editing (drag and drop, React keys). */
  key: string;
  /** The value was typed, not made from the label. */
  valueTouched?: boolean;
}

let seq = 0;
export function toEditable(options: PicklistOption[]): EditableOption[] {
  return options.map((o) => ({ ...o, key: `o${++seq}`, valueTouched: true }));
}
export function fromEditable(options: EditableOption[]): PicklistOption[] {
  return options.map(({ key: _k, valueTouched: _t, ...o }) => {
    const out: PicklistOption = { value: o.value };
    if (o.label && o.label !== o.value) out.label = o.label;
    if (o.color) out.color = o.color;
    return out;
  });
}

function Row({ o, index, onChange, onRemove }: { o: EditableOption; index: number; onChange: (o: EditableOption) => void; onRemove: () => void }) {
  const { attributes, listeners, setNodeRef, setActivatorNodeRef, transform, transition, isDragging } = useSortable({ id: o.key });
  const n = index + 1;
  const name = o.label || o.value || `option ${n}`;
  return (
    <Box ref={setNodeRef} style={{ transform: CSS.Transform.toString(transform), transition }}
      sx={{ display: 'flex', gap: 1, alignItems: 'center', py: 0.5, bgcolor: isDragging ? 'action.hover' : undefined, borderRadius: 1, position: 'relative', zIndex: isDragging ? 1 : undefined }}>
      <IconButton ref={setActivatorNodeRef} {...attributes} {...listeners} aria-label={`Reorder option ${name}`} size="small" sx={{ cursor: 'grab', touchAction: 'none' }}>
        <DragIndicator />
      </IconButton>
      <TextField size="small" label={`Option ${n} label`} value={o.label ?? ''} sx={{ flex: 2, minWidth: 0 }}
        onChange={(e) => onChange({ ...o, label: e.target.value, value: o.valueTouched ? o.value : nameFromLabel(e.target.value) })} />
      <TextField size="small" label={`Option ${n} value`} value={o.value} sx={{ flex: 2, minWidth: 0, display: { xs: 'none', sm: 'flex' } }}
        onChange={(e) => onChange({ ...o, value: e.target.value, valueTouched: true })}
        slotProps={{ htmlInput: { spellCheck: false, style: { fontFamily: 'monospace' } } }} />
      <TextField size="small" type="color" label={`Option ${n} colour`} value={o.color ?? '#9e9e9e'} sx={{ width: 132, flex: 'none' }}
        onChange={(e) => onChange({ ...o, color: e.target.value })} />
      <Tooltip title="Remove option"><IconButton aria-label={`Remove option ${name}`} onClick={onRemove} size="small"><Close /></IconButton></Tooltip>
    </Box>
  );
}

export function PicklistOptions({ options, onChange }: { options: EditableOption[]; onChange: (o: EditableOption[]) => void }) {
  const sensors = useSensors(
    useSensor(PointerSensor, { activationConstraint: { distance: 4 } }),
    useSensor(KeyboardSensor, { coordinateGetter: sortableKeyboardCoordinates }),
  );
  const latest = useRef(options);
  latest.current = options;
  const nameOf = (id: string | number) => {
    const i = latest.current.findIndex((o) => o.key === id);
    const o = latest.current[i];
    return { name: o ? o.label || o.value || `option ${i + 1}` : 'option', position: i + 1 };
  };
  const announcements: Announcements = {
    onDragStart: ({ active }) => `Picked up option ${nameOf(active.id).name}, position ${nameOf(active.id).position} of ${latest.current.length}.`,
    onDragOver: ({ active, over }) => (over ? `Option ${nameOf(active.id).name} is over position ${nameOf(over.id).position}.` : undefined),
    onDragEnd: ({ active, over }) => (over ? `Option ${nameOf(active.id).name} dropped at position ${nameOf(over.id).position}.` : `Option ${nameOf(active.id).name} dropped.`),
    onDragCancel: ({ active }) => `Moving option ${nameOf(active.id).name} was cancelled.`,
  };
  const onDragEnd = ({ active, over }: DragEndEvent) => {
    if (!over || active.id === over.id) return;
    const from = options.findIndex((o) => o.key === active.id);
    const to = options.findIndex((o) => o.key === over.id);
    if (from >= 0 && to >= 0) onChange(arrayMove(options, from, to));
  };
  const values = options.map((o) => o.value);
  const dupes = values.filter((v, i) => v && values.indexOf(v) !== i);
  return (
    <Box>
      <Typography variant="subtitle2" component="h3">Values</Typography>
      <Typography variant="body2" color="text.secondary" sx={{ mb: 1 }}>In the order people see them. Drag the handle, or focus it and press space, then the arrow keys, then space.</Typography>
      <DndContext sensors={sensors} collisionDetection={closestCenter} onDragEnd={onDragEnd}
        accessibility={{ announcements, screenReaderInstructions: { draggable: 'To reorder an option, press space. Move it with the up and down arrow keys, press space again to drop it, or escape to cancel.' } }}>
        <SortableContext items={options.map((o) => o.key)} strategy={verticalListSortingStrategy}>
          <Box role="list" aria-label="Picklist values">
            {options.map((o, i) => (
              <div role="listitem" key={o.key}>
                <Row o={o} index={i} onChange={(n) => onChange(options.map((x) => (x.key === o.key ? n : x)))} onRemove={() => onChange(options.filter((x) => x.key !== o.key))} />
              </div>
            ))}
          </Box>
        </SortableContext>
      </DndContext>
      {options.length === 0 && <Typography variant="body2" color="error" role="status">Add at least one value.</Typography>}
      {dupes.length > 0 && <Typography variant="body2" color="error" role="status">Each value must be different: {[...new Set(dupes)].join(', ')}</Typography>}
      <Button size="small" startIcon={<Add />} onClick={() => onChange([...options, { key: `o${++seq}`, value: '', label: '' }])}>Add value</Button>
    </Box>
  );
}
