/**
 * The layout designer's live preview: the end users' record form (studio/src/forms) rendered
 * with the layout being designed. Should that form fail to load, a plain preview of the same
 * sections stands in.
 */
import { Component, lazy, Suspense, type ReactNode } from 'react';
import { Alert, Box, Paper, TextField, Typography } from '@mui/material';
import type { LayoutDef } from '../../../metadata/types.ts';
import { ApiError } from '../api/client.ts';
import { Loading } from '../App.tsx';
import { fieldLabel, typeLabel } from './fieldTypes.ts';
import type { StudioObject } from './types.ts';

const RecordForm = lazy(() => import('../forms/RecordForm.tsx'));

class Fallback extends Component<{ fallback: ReactNode; children: ReactNode }, { failed: boolean }> {
  state = { failed: false };
  static getDerivedStateFromError() { return { failed: true }; }
  render() { return this.state.failed ? this.props.fallback : this.props.children; }
}

function PlainPreview({ object, layout }: { object: StudioObject; layout: LayoutDef }) {
  const byName = new Map(object.fields.map((f) => [f.name, f]));
  return (
    <Box sx={{ display: 'flex', flexDirection: 'column', gap: 2 }}>
      {layout.sections.map((s, i) => (
        <Paper key={i} variant="outlined" sx={{ p: 2 }}>
          <Typography variant="subtitle1" component="h3" gutterBottom>{s.label}</Typography>
          <Box sx={{ display: 'grid', gap: 2, gridTemplateColumns: { xs: '1fr', sm: `repeat(${s.columns.length}, minmax(0, 1fr))` } }}>
            {s.columns.map((c, j) => (
              <Box key={j} sx={{ display: 'flex', flexDirection: 'column', gap: 2 }}>
                {c.fields.map((n) => {
                  const f = byName.get(n);
                  return f ? <TextField key={n} label={fieldLabel(f)} placeholder={typeLabel(f)} size="small" disabled required={f.required} /> : null;
                })}
              </Box>
            ))}
          </Box>
        </Paper>
      ))}
    </Box>
  );
}

const previewOnly = () => Promise.reject(new ApiError(400, { detail: 'This is a preview: nothing is saved here' }));

export function LayoutPreview({ object, objects, layout }: { object: StudioObject; objects: StudioObject[]; layout: LayoutDef }) {
  const plain = <PlainPreview object={object} layout={layout} />;
  if (!layout.sections.some((s) => s.columns.some((c) => c.fields.length))) {
    return <Alert severity="info">Drag fields onto a section to see the form.</Alert>;
  }
  return (
    <Fallback fallback={plain}>
      <Suspense fallback={<Loading label="Loading the preview" />}>
        <RecordForm object={object} objects={objects} layout={layout} initial={{}} onSave={previewOnly} onCancel={() => {}} />
      </Suspense>
    </Fallback>
  );
}
