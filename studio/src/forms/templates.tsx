/**
 * rjsf templates: the record layout (sections → columns → fields) as the object template, and
 * a field frame that ties help text and errors to the input (aria-describedby).
 */
import { useId, useState } from 'react';
import { Alert, Box, Button, FormHelperText, Grid, Paper, Typography } from '@mui/material';
import ExpandMoreIcon from '@mui/icons-material/ExpandMore';
import {
  descriptionId, errorId,
  type FieldErrorProps, type FieldTemplateProps, type ObjectFieldTemplateProps, type RJSFSchema,
  type TemplatesType, type ErrorSchema,
} from '@rjsf/utils';
import type { FormSection, RecordFormContext } from './context.ts';

type S = RJSFSchema;
type F = RecordFormContext;
type Values = Record<string, unknown>;

/** The ids an input is described by: its help text and its errors, when shown. */
export function describedBy(id: string, hasDescription: boolean, hasErrors: boolean): string | undefined {
  const ids = [hasErrors ? errorId(id) : '', hasDescription ? descriptionId(id) : ''].filter(Boolean);
  return ids.length ? ids.join(' ') : undefined;
}

export function FieldTemplate(props: FieldTemplateProps<Values, S, F>) {
  const { id, children, errors, rawDescription, hidden } = props;
  if (hidden) return <div hidden>{children}</div>;
  return (
    <Box sx={{ mb: 2 }} data-field={props.fieldPathId?.path?.join('.') ?? undefined}>
      {children}
      {errors}
      {rawDescription && (
        <Typography id={descriptionId(id)} variant="caption" color="text.secondary" component="p" sx={{ mt: 0.5, mx: 1.75, lineHeight: 1.4 }}>
          {rawDescription}
        </Typography>
      )}
    </Box>
  );
}

export function FieldErrorTemplate(props: FieldErrorProps<Values, S, F>) {
  const { errors = [], fieldPathId } = props;
  const messages = errors.filter((e): e is string => typeof e === 'string' && !!e);
  if (!messages.length) return null;
  return (
    <FormHelperText id={errorId(fieldPathId)} error sx={{ mx: 1.75 }}>
      {[...new Set(messages)].join(' · ')}
    </FormHelperText>
  );
}

function hasErrors(errorSchema: ErrorSchema | undefined, names: string[]): boolean {
  if (!errorSchema) return false;
  const es = errorSchema as Record<string, { __errors?: unknown[] } | undefined>;
  return names.some((n) => (es[n]?.__errors?.length ?? 0) > 0);
}

function Section({ section, forceOpen, children }: { section: FormSection; forceOpen: boolean; children: React.ReactNode }) {
  const [open, setOpen] = useState(!section.collapsed);
  const headingId = useId();
  const bodyId = useId();
  const shown = open || forceOpen;
  return (
    // Not a labelled region: a section named like a field ("Description") must not answer to
    // that field's label (getByLabel finds aria-labelledby too).
    <Box component="section" sx={{ '&:not(:first-of-type)': { mt: 1 } }}>
      {section.collapsed ? (
        <Typography variant="subtitle1" component="h2" id={headingId} sx={{ fontWeight: 600 }}>
          <Button
            onClick={() => setOpen(!shown)}
            aria-expanded={shown}
            aria-controls={bodyId}
            color="inherit"
            endIcon={<ExpandMoreIcon sx={{ transform: shown ? 'rotate(180deg)' : 'none', transition: 'transform .15s' }} />}
            sx={{ textTransform: 'none', fontSize: 'inherit', fontWeight: 'inherit', px: 1, ml: -1 }}
          >
            {section.label}
          </Button>
        </Typography>
      ) : (
        <Typography variant="subtitle1" component="h2" id={headingId} sx={{ fontWeight: 600, py: 0.75 }}>{section.label}</Typography>
      )}
      <Box id={bodyId} hidden={!shown} sx={{ pt: 1.5 }}>{children}</Box>
    </Box>
  );
}

/** The root object: the layout's sections and columns, each property placed by name. */
export function LayoutTemplate(props: ObjectFieldTemplateProps<Values, S, F>) {
  const { properties, registry, errorSchema } = props;
  const ctx = registry.formContext;
  const byName = new Map(properties.map((p) => [p.name, p]));
  const placed = new Set<string>();
  const rootErrors = [...((errorSchema as { __errors?: string[] } | undefined)?.__errors ?? []), ...(ctx?.formErrors ?? [])];
  const sections = ctx?.sections ?? [{ key: 'all', label: 'Details', collapsed: false, columns: [properties.map((p) => p.name)] }];
  return (
    <Paper variant="outlined" sx={{ p: { xs: 1.5, sm: 2 } }}>
      {rootErrors.length > 0 && (
        <Alert severity="error" sx={{ mb: 2 }}>
          {[...new Set(rootErrors)].map((m) => <div key={m}>{m}</div>)}
        </Alert>
      )}
      {sections.map((s) => {
        const names = s.columns.flat().filter((n) => byName.has(n));
        if (!names.length) return null;
        const width = 12 / Math.max(1, Math.min(s.columns.length, 4));
        return (
          <Section key={s.key} section={s} forceOpen={hasErrors(errorSchema, names)}>
            <Grid container columnSpacing={2}>
              {s.columns.map((col, i) => (
                <Grid key={i} size={{ xs: 12, md: width }}>
                  {col.map((n) => {
                    const p = byName.get(n);
                    if (!p || placed.has(n)) return null;
                    placed.add(n);
                    return <div key={n}>{p.content}</div>;
                  })}
                </Grid>
              ))}
            </Grid>
          </Section>
        );
      })}
      {/* Anything the layout does not place stays in the form (hidden fields keep their values). */}
      {properties.filter((p) => !placed.has(p.name)).map((p) => <div key={p.name} hidden>{p.content}</div>)}
    </Paper>
  );
}

export const templates: Partial<TemplatesType<Values, S, F>> = {
  FieldTemplate,
  FieldErrorTemplate,
  ObjectFieldTemplate: LayoutTemplate,
};
