/** One value as a cell shows it: formatted by field kind, references and names as links. */
import { Link as RouterLink } from 'react-router';
import { Box, Link } from '@mui/material';
import type { ListField } from './fields.ts';
import { formatValue, isEmptyValue, type FormatContext } from './format.ts';

export interface CellValueProps {
  field: ListField;
  value: unknown;
  ctx: FormatContext;
  /** Makes the value a link to this record page (the name column). */
  recordHref?: string;
  /** Tab stop of links inside (a grid keeps one tab stop: -1 except in the active cell). */
  linkTabIndex?: number;
}

const linkSx = { fontWeight: 500 } as const;

export function CellValue({ field, value, ctx, recordHref, linkTabIndex }: CellValueProps) {
  if (isEmptyValue(value)) {
    return recordHref
      ? <Link component={RouterLink} to={recordHref} tabIndex={linkTabIndex} data-focus="" sx={linkSx}>(no name)</Link>
      : null;
  }
  const text = formatValue(field, value, ctx);
  if (recordHref) return <Link component={RouterLink} to={recordHref} tabIndex={linkTabIndex} data-focus="" sx={linkSx}>{text}</Link>;
  switch (field.kind) {
    case 'reference': {
      const id = typeof value === 'string' ? value : (value as { id?: unknown }).id;
      if (typeof id !== 'string' || !field.to) return <>{text}</>;
      return <Link component={RouterLink} to={`/app/${field.to}/${id}`} tabIndex={linkTabIndex}>{text}</Link>;
    }
    case 'picklist': {
      const color = field.options?.find((o) => o.value === value)?.color;
      return (
        <Box component="span" sx={{ display: 'inline-flex', alignItems: 'center', gap: 0.75, maxWidth: '100%' }}>
          <Box component="span" aria-hidden sx={{ width: 8, height: 8, borderRadius: '50%', flexShrink: 0, bgcolor: color ?? 'grey.400' }} />
          <Box component="span" sx={{ overflow: 'hidden', textOverflow: 'ellipsis' }}>{text}</Box>
        </Box>
      );
    }
    case 'email':
      return <Link href={`mailto:${String(value)}`} tabIndex={linkTabIndex}>{text}</Link>;
    case 'phone':
      return <Link href={`tel:${String(value).replace(/[^\d+]/g, '')}`} tabIndex={linkTabIndex}>{text}</Link>;
    case 'url': {
      const href = /^https?:\/\//i.test(String(value)) ? String(value) : `https://${String(value)}`;
      return <Link href={href} target="_blank" rel="noopener noreferrer" tabIndex={linkTabIndex}>{text}</Link>;
    }
    default:
      return <>{text}</>;
  }
}

/** Numbers line up on the right. */
export function alignOf(field: ListField): 'left' | 'right' {
  return field.kind === 'integer' || field.kind === 'decimal' || field.kind === 'currency' || field.kind === 'percent' ? 'right' : 'left';
}
