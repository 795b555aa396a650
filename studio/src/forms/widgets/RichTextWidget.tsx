/** Rich text: write Markdown in a plain textarea, see it rendered safely in Preview. */
import { useId, useState } from 'react';
import { Box, Paper, Tab, Tabs, TextField, Typography } from '@mui/material';
import type { StrataWidgetProps } from '../context.ts';
import { Markdown } from '../markdown.tsx';
import { describedBy } from '../templates.tsx';

export function RichTextWidget(props: StrataWidgetProps) {
  const { id, label, value, required, disabled, readonly, rawErrors = [], onChange, onBlur, onFocus, schema } = props;
  const [tab, setTab] = useState<'write' | 'preview'>('write');
  const tabsId = useId();
  const text = typeof value === 'string' ? value : '';
  return (
    <Box>
      <Tabs value={tab} onChange={(_e, v: 'write' | 'preview') => setTab(v)} aria-label="Write or preview" sx={{ minHeight: 32, '& .MuiTab-root': { minHeight: 32, py: 0.5 } }}>
        <Tab value="write" label="Write" id={`${tabsId}-write`} aria-controls={`${tabsId}-write-panel`} />
        <Tab value="preview" label="Preview" id={`${tabsId}-preview`} aria-controls={`${tabsId}-preview-panel`} />
      </Tabs>
      <Box role="tabpanel" id={`${tabsId}-write-panel`} aria-labelledby={`${tabsId}-write`} hidden={tab !== 'write'} sx={{ pt: 1 }}>
        <TextField
          id={id}
          name={id}
          label={label}
          multiline
          minRows={4}
          maxRows={20}
          value={text}
          required={required}
          disabled={disabled}
          error={rawErrors.length > 0}
          fullWidth
          size="small"
          onChange={(e) => onChange(e.target.value === '' ? undefined : e.target.value)}
          onBlur={(e) => onBlur(id, e.target.value)}
          onFocus={(e) => onFocus(id, e.target.value)}
          slotProps={{ htmlInput: { readOnly: readonly, 'aria-describedby': describedBy(id, !!schema.description, rawErrors.length > 0) } }}
          helperText="**bold**, *italic*, [link](https://…), - list"
        />
      </Box>
      <Box role="tabpanel" id={`${tabsId}-preview-panel`} aria-labelledby={`${tabsId}-preview`} hidden={tab !== 'preview'} sx={{ pt: 1 }}>
        <Paper variant="outlined" sx={{ p: 1.5, minHeight: 96, overflowWrap: 'anywhere' }}>
          {text ? <Markdown text={text} /> : <Typography color="text.secondary" variant="body2">Nothing to preview</Typography>}
        </Paper>
      </Box>
    </Box>
  );
}
