/**
 * The layout designer: drag fields from the palette into sections and columns, reorder them,
 * move them between sections (mouse, touch, or keyboard: space, arrows, space), add and name
 * sections — with screen reader announcements and a live preview of the end users' form.
 * Saving deploys the layout.
 */
import { useMemo, useRef, useState } from 'react';
import { useParams, useSearchParams } from 'react-router';
import {
  Alert, Box, Button, Checkbox, FormControlLabel, IconButton, MenuItem, Paper, TextField, Tooltip, Typography,
} from '@mui/material';
import Add from '@mui/icons-material/Add';
import ArrowDownward from '@mui/icons-material/ArrowDownward';
import ArrowUpward from '@mui/icons-material/ArrowUpward';
import Close from '@mui/icons-material/Close';
import DeleteOutline from '@mui/icons-material/DeleteOutline';
import DragIndicator from '@mui/icons-material/DragIndicator';
import {
  DndContext, DragOverlay, KeyboardSensor, MouseSensor, TouchSensor, closestCorners, pointerWithin, useDroppable, useSensor, useSensors,
  type Announcements, type CollisionDetection, type DragEndEvent, type DragOverEvent, type DragStartEvent, type KeyboardCoordinateGetter,
  type UniqueIdentifier,
} from '@dnd-kit/core';
import { SortableContext, sortableKeyboardCoordinates, useSortable, verticalListSortingStrategy } from '@dnd-kit/sortable';
import { CSS } from '@dnd-kit/utilities';
import type { FieldDef, LayoutDef } from '../../../metadata/types.ts';
import { putLayout } from './customBundle.ts';
import { fieldLabel, typeLabel } from './fieldTypes.ts';
import {
  PALETTE, addSection, columnId, containerOf, describeContainer, fromLayout, itemsOf, moveField, moveSection, paletteFields,
  removeSection, renameSection, setColumnCount, toSections, toggleCollapsed, defaultSections, type DesignState,
} from './layoutModel.ts';
import { LayoutPreview } from './LayoutPreview.tsx';
import { PageHeader } from './PageHeader.tsx';
import { useDeploy } from './useDeploy.tsx';
import type { StudioMetadata, StudioObject } from './types.ts';

const FIELD = 'field:';
const itemId = (name: string) => `${FIELD}${name}`;
const fieldOfId = (id: UniqueIdentifier) => String(id).slice(FIELD.length);
const isItem = (id: UniqueIdentifier) => String(id).startsWith(FIELD);

/**
 * Where the pointer is decides (a wide chip's corners can be nearer the next column's than
 * the column under the pointer); the keyboard has no pointer, so nearest corners decide.
 */
const collisions: CollisionDetection = (args) => {
  const hits = pointerWithin(args);
  return hits.length ? hits : closestCorners(args);
};

/**
 * ← and → go to the nearest column (or the palette) wholly on that side. dnd-kit's sortable
 * default also counts the field's own column, whose padded edge lies just beyond the field,
 * so the first ← stayed put. ↑ and ↓ keep the default (within and across sections).
 */
const keyboardCoordinates: KeyboardCoordinateGetter = (event, args) => {
  const { active, collisionRect, droppableRects, droppableContainers } = args.context;
  if (event.code !== 'ArrowLeft' && event.code !== 'ArrowRight') return sortableKeyboardCoordinates(event, args);
  event.preventDefault();
  if (!active || !collisionRect) return undefined;
  const left = event.code === 'ArrowLeft';
  let best: { left: number; top: number } | undefined;
  let bestScore = Infinity;
  for (const c of droppableContainers.getEnabled()) {
    if (isItem(c.id)) continue;
    const r = droppableRects.get(c.id);
    if (!r) continue;
    const dx = left ? collisionRect.left - r.right : r.left - collisionRect.right;
    if (dx < -1) continue;
    const dy = Math.max(0, r.top - collisionRect.top, collisionRect.top - r.bottom);
    const score = dx + 2 * dy;
    if (score < bestScore) { bestScore = score; best = r; }
  }
  // Its first place: the top of the column, inside its padding.
  return best ? { x: best.left + 8, y: best.top + 8 } : undefined;
};

function FieldChip({ field, dragging, overlay, onRemove }: { field: FieldDef; dragging?: boolean; overlay?: boolean; onRemove?: () => void }) {
  return (
    <Paper
      variant="outlined"
      sx={{
        display: 'flex', alignItems: 'center', gap: 0.5, pl: 0.5, pr: onRemove ? 0 : 1, py: 0.25, minWidth: 0,
        opacity: dragging ? 0.4 : 1, boxShadow: overlay ? 4 : undefined, bgcolor: 'background.paper',
      }}
    >
      <DragIndicator fontSize="small" color="action" aria-hidden />
      <Box sx={{ flex: 1, minWidth: 0 }}>
        <Typography variant="body2" noWrap sx={{ fontWeight: 600 }}>{fieldLabel(field)}{field.required ? ' *' : ''}</Typography>
        <Typography variant="caption" color="text.secondary" noWrap component="div">{typeLabel(field)}</Typography>
      </Box>
      {onRemove && (
        <Tooltip title="Take off the layout">
          <IconButton size="small" aria-label={`Take ${fieldLabel(field)} off the layout`} onClick={onRemove}><Close fontSize="small" /></IconButton>
        </Tooltip>
      )}
    </Paper>
  );
}

const visuallyHidden = {
  position: 'absolute', width: '1px', height: '1px', p: 0, m: '-1px', overflow: 'hidden', clip: 'rect(0 0 0 0)', whiteSpace: 'nowrap', border: 0,
} as const;

function SortableField({ field, onRemove }: { field: FieldDef; onRemove?: () => void }) {
  const { attributes, listeners, setNodeRef, transform, transition, isDragging } = useSortable({ id: itemId(field.name) });
  return (
    <Box
      ref={setNodeRef}
      role="listitem"
      style={{ transform: CSS.Translate.toString(transform), transition }}
      sx={{ display: 'flex', alignItems: 'stretch', minWidth: 0 }}
    >
      <Box
        {...attributes}
        {...listeners}
        sx={{
          position: 'relative', flex: 1, minWidth: 0, cursor: 'grab', touchAction: 'none', borderRadius: 1,
          '&:focus-visible': { outline: '2px solid', outlineColor: 'primary.main', outlineOffset: 2 },
        }}
      >
        {/* The name comes from the card's own text (axe: label-content-name-mismatch); the hidden word says what it is. */}
        <Box component="span" sx={visuallyHidden}>Field </Box>
        <FieldChip field={field} dragging={isDragging} />
      </Box>
      {onRemove && (
        <Tooltip title="Take off the layout">
          <IconButton size="small" aria-label={`Take ${fieldLabel(field)} off the layout`} onClick={onRemove} sx={{ alignSelf: 'center' }}>
            <Close fontSize="small" />
          </IconButton>
        </Tooltip>
      )}
    </Box>
  );
}

function Container({ id, label, fields, highlight, empty, onRemove, dense }: {
  id: string; label: string; fields: FieldDef[]; highlight: boolean; empty: string; onRemove?: (name: string) => void; dense?: boolean;
}) {
  const { setNodeRef } = useDroppable({ id });
  return (
    <SortableContext id={id} items={fields.map((f) => itemId(f.name))} strategy={verticalListSortingStrategy}>
      <Box
        ref={setNodeRef}
        role="list"
        aria-label={label}
        sx={{
          display: 'flex', flexDirection: 'column', gap: 0.75, p: 1, minHeight: dense ? 48 : 72, borderRadius: 1,
          border: '2px dashed', borderColor: highlight ? 'primary.main' : 'divider', bgcolor: highlight ? 'action.hover' : 'transparent',
          transition: 'border-color 120ms, background-color 120ms',
        }}
      >
        {fields.map((f) => <SortableField key={f.name} field={f} onRemove={onRemove ? () => onRemove(f.name) : undefined} />)}
        {/* A list may hold only list items (axe: aria-required-children), so the hint is one. */}
        {!fields.length && <Typography role="listitem" variant="body2" color="text.secondary" sx={{ m: 'auto', textAlign: 'center', px: 1 }}>{empty}</Typography>}
      </Box>
    </SortableContext>
  );
}

export default function LayoutDesigner({ object, meta }: { object: StudioObject; meta: StudioMetadata }) {
  const { layout: layoutName = 'default' } = useParams();
  const [params] = useSearchParams();
  const deploy = useDeploy();
  const existing = meta.layouts.find((l) => l.object === object.name && l.name === layoutName);
  const initial = useMemo<DesignState>(() => fromLayout(existing ?? {
    sections: defaultSections(object.fields.filter((f) => f.type !== 'rollup' && f.type !== 'autonumber').map((f) => f.name), object.label),
  }), [existing, object]);
  const [state, setState] = useState<DesignState>(initial);
  const [label, setLabel] = useState(existing?.label ?? params.get('label') ?? `${object.label} page`);
  const [active, setActive] = useState<string>();
  const [overContainer, setOverContainer] = useState<string>();
  const [newSection, setNewSection] = useState('');
  const stateRef = useRef(state);
  stateRef.current = state;

  const all = object.fields.map((f) => f.name);
  const byName = useMemo(() => new Map(object.fields.map((f) => [f.name, f])), [object]);
  const fieldsOf = (container: string) => itemsOf(state, container, all).map((n) => byName.get(n)).filter((f): f is StudioObject['fields'][number] => !!f);
  const nameOf = (id: UniqueIdentifier | undefined) => {
    if (id === undefined) return '';
    const f = byName.get(fieldOfId(id));
    return f ? fieldLabel(f) : String(id);
  };

  const sensors = useSensors(
    useSensor(MouseSensor, { activationConstraint: { distance: 4 } }),
    useSensor(TouchSensor, { activationConstraint: { delay: 200, tolerance: 6 } }),
    useSensor(KeyboardSensor, { coordinateGetter: keyboardCoordinates }),
  );

  /** The container and position a drag is over. */
  const target = (overId: UniqueIdentifier | undefined, s: DesignState) => {
    if (overId === undefined) return undefined;
    const id = String(overId);
    if (!isItem(id)) return { container: id, index: itemsOf(s, id, all).length };
    const container = containerOf(s, fieldOfId(id));
    return { container, index: itemsOf(s, container, all).indexOf(fieldOfId(id)) };
  };
  const where = (t: { container: string; index: number } | undefined) => {
    if (!t) return 'nowhere';
    if (t.container === PALETTE) return 'the field palette (off the layout)';
    return `${describeContainer(stateRef.current, t.container)}, position ${t.index + 1}`;
  };

  const announcements: Announcements = {
    onDragStart: ({ active: a }) => {
      const c = containerOf(stateRef.current, fieldOfId(a.id));
      return `Picked up field ${nameOf(a.id)} from ${c === PALETTE ? 'the field palette' : `${describeContainer(stateRef.current, c)}, position ${itemsOf(stateRef.current, c, all).indexOf(fieldOfId(a.id)) + 1}`}.`;
    },
    onDragOver: ({ active: a, over }) => (over ? `Field ${nameOf(a.id)} is over ${where(target(over.id, stateRef.current))}.` : `Field ${nameOf(a.id)} is no longer over a section.`),
    onDragEnd: ({ active: a, over }) => (over
      ? `Field ${nameOf(a.id)} was dropped in ${where(target(over.id, stateRef.current))}.`
      : `Field ${nameOf(a.id)} was dropped where it was.`),
    onDragCancel: ({ active: a }) => `Moving field ${nameOf(a.id)} was cancelled.`,
  };

  const onDragStart = ({ active: a }: DragStartEvent) => setActive(fieldOfId(a.id));
  const onDragOver = ({ over }: DragOverEvent) => setOverContainer(target(over?.id, stateRef.current)?.container);
  const onDragEnd = ({ active: a, over }: DragEndEvent) => {
    setActive(undefined);
    setOverContainer(undefined);
    const t = target(over?.id, state);
    if (!t) return;
    const name = fieldOfId(a.id);
    const from = containerOf(state, name);
    if (from === PALETTE && t.container === PALETTE) return;
    setState(moveField(state, name, t.container, t.index));
  };

  const layout: LayoutDef = {
    name: layoutName, object: object.name, ...(label.trim() ? { label: label.trim() } : {}),
    sections: toSections(state), ...(existing?.relatedLists ? { relatedLists: existing.relatedLists } : {}),
  };
  const dirty = !existing || JSON.stringify(layout) !== JSON.stringify(existing);
  const emptySection = state.sections.find((s) => !s.columns.some((c) => c.length));
  const unnamed = state.sections.some((s) => !s.label.trim());
  const palette = paletteFields(state, all);
  const requiredOff = palette.map((n) => byName.get(n)).filter((f) => f?.required && f.type !== 'formula' && f.type !== 'rollup' && f.type !== 'autonumber');

  const save = () => deploy({
    title: `Save layout ${label.trim() || layoutName} of ${object.label}`,
    change: (base) => putLayout(base, layout),
  });
  const activeField = active ? byName.get(active) : undefined;

  return (
    <>
      <PageHeader
        title={`Layout: ${label || layoutName}`}
        subtitle={`${object.label} · drag fields onto sections; with the keyboard, focus a field, press space, move it with the arrow keys and press space again.`}
        actions={<Button variant="contained" onClick={() => void save()} disabled={!dirty || unnamed || !state.sections.length}>Save layout</Button>}
      />
      <TextField label="Layout label" value={label} onChange={(e) => setLabel(e.target.value)} size="small" sx={{ mb: 2, width: { xs: '100%', sm: 320 } }} />
      {requiredOff.length > 0 && (
        <Alert severity="info" sx={{ mb: 2 }}>
          Required field{requiredOff.length > 1 ? 's' : ''} {requiredOff.map((f) => fieldLabel(f!)).join(', ')} {requiredOff.length > 1 ? 'are' : 'is'} not on the layout: new-record forms will still ask for {requiredOff.length > 1 ? 'them' : 'it'} at the end.
        </Alert>
      )}
      <DndContext
        sensors={sensors}
        collisionDetection={collisions}
        onDragStart={onDragStart}
        onDragOver={onDragOver}
        onDragEnd={onDragEnd}
        onDragCancel={() => { setActive(undefined); setOverContainer(undefined); }}
        accessibility={{
          announcements,
          screenReaderInstructions: {
            draggable: 'To move a field, press space or enter. Use the arrow keys to move it to another place or section, then press space or enter to drop it there, or escape to cancel.',
          },
        }}
      >
        <Box sx={{ display: 'grid', gap: 2, gridTemplateColumns: { xs: '1fr', md: '220px minmax(0, 1fr)', lg: '200px minmax(0, 1.1fr) minmax(0, 1fr)' }, alignItems: 'start' }}>
          <Paper sx={{ p: 1.5, position: { md: 'sticky' }, top: { md: 80 } }} component="section" aria-labelledby="palette-heading">
            <Typography id="palette-heading" variant="subtitle2" component="h2" gutterBottom>Fields not on the layout</Typography>
            <Container id={PALETTE} label="Field palette" fields={fieldsOf(PALETTE)} highlight={!!active && overContainer === PALETTE} dense
              empty="Every field is on the layout. Drag one here to take it off." />
          </Paper>

          <Box component="section" aria-labelledby="sections-heading" sx={{ display: 'flex', flexDirection: 'column', gap: 2, minWidth: 0 }}>
            <Typography id="sections-heading" variant="subtitle2" component="h2">Sections</Typography>
            {state.sections.length === 0 && <Alert severity="info">No sections yet: add one below, then drag fields into it.</Alert>}
            {state.sections.map((s, i) => {
              const n = i + 1;
              return (
                <Paper key={s.id} sx={{ p: 1.5 }} component="section" aria-label={`Section ${s.label || n}`}>
                  <Box sx={{ display: 'flex', gap: 1, alignItems: 'center', flexWrap: 'wrap', mb: 1 }}>
                    <TextField size="small" label={`Section ${n} name`} value={s.label} onChange={(e) => setState(renameSection(state, s.id, e.target.value))}
                      error={!s.label.trim()} helperText={!s.label.trim() ? 'Name the section' : undefined} sx={{ flex: '1 1 180px' }} />
                    <TextField select size="small" label={`Section ${n} columns`} value={s.columns.length} onChange={(e) => setState(setColumnCount(state, s.id, Number(e.target.value)))} sx={{ width: 160 }}>
                      {[1, 2, 3].map((c) => <MenuItem key={c} value={c}>{c} column{c > 1 ? 's' : ''}</MenuItem>)}
                    </TextField>
                    <FormControlLabel control={<Checkbox size="small" checked={!!s.collapsed} onChange={() => setState(toggleCollapsed(state, s.id))} />} label="Collapsed" />
                    <Box sx={{ ml: 'auto', display: 'flex' }}>
                      <IconButton aria-label={`Move section ${s.label || n} up`} disabled={i === 0} onClick={() => setState(moveSection(state, s.id, -1))}><ArrowUpward /></IconButton>
                      <IconButton aria-label={`Move section ${s.label || n} down`} disabled={i === state.sections.length - 1} onClick={() => setState(moveSection(state, s.id, 1))}><ArrowDownward /></IconButton>
                      <IconButton aria-label={`Remove section ${s.label || n}`} onClick={() => setState(removeSection(state, s.id))}><DeleteOutline /></IconButton>
                    </Box>
                  </Box>
                  <Box sx={{ display: 'grid', gap: 1, gridTemplateColumns: { xs: '1fr', sm: `repeat(${s.columns.length}, minmax(0, 1fr))` } }}>
                    {s.columns.map((_c, j) => {
                      const id = columnId(s.id, j);
                      return (
                        <Container key={id} id={id} label={describeContainer(state, id).replace(/^section/, 'Section')} fields={fieldsOf(id)}
                          highlight={!!active && overContainer === id} empty="Drop fields here"
                          onRemove={(name) => setState(moveField(state, name, PALETTE, 0))} />
                      );
                    })}
                  </Box>
                </Paper>
              );
            })}
            <Box component="form" onSubmit={(e) => { e.preventDefault(); setState(addSection(state, newSection.trim() || `Section ${state.sections.length + 1}`)); setNewSection(''); }}
              sx={{ display: 'flex', gap: 1, alignItems: 'flex-start', flexWrap: 'wrap' }}>
              <TextField size="small" label="New section name" value={newSection} onChange={(e) => setNewSection(e.target.value)} sx={{ flex: '1 1 200px' }} />
              <Button type="submit" variant="outlined" startIcon={<Add />}>Add section</Button>
            </Box>
            {emptySection && <Typography variant="body2" color="text.secondary">Section {emptySection.label || '(unnamed)'} has no fields yet; end users will not see it until it has some.</Typography>}
          </Box>

          <Box component="section" aria-labelledby="preview-heading" sx={{ gridColumn: { md: '1 / -1', lg: 'auto' }, minWidth: 0 }}>
            <Typography id="preview-heading" variant="subtitle2" component="h2" gutterBottom>Preview: the form end users get</Typography>
            {/* The form's own save bar means nothing in a preview. */}
            <Box sx={{ pointerEvents: 'none', '& form .MuiBox-root:has(> button[type="submit"])': { display: 'none' } }} aria-hidden inert>
              <LayoutPreview object={object} objects={meta.objects} layout={{ ...layout, sections: layout.sections.filter((x) => x.columns.some((c) => c.fields.length)) }} />
            </Box>
          </Box>
        </Box>
        <DragOverlay>{activeField ? <FieldChip field={activeField} overlay /> : null}</DragOverlay>
      </DndContext>
    </>
  );
}

