/** An object's fields: add, edit, rename, remove (to the recycle bin). */
import { useState } from 'react';
import {
  Box, Button, Chip, IconButton, Paper, Table, TableBody, TableCell, TableContainer, TableHead, TableRow, Tooltip, Typography,
} from '@mui/material';
import Add from '@mui/icons-material/Add';
import Tune from '@mui/icons-material/Tune';
import DriveFileRenameOutline from '@mui/icons-material/DriveFileRenameOutline';
import DeleteOutline from '@mui/icons-material/DeleteOutline';
import { removeField } from './customBundle.ts';
import { fieldLabel, typeLabel } from './fieldTypes.ts';
import { FieldEditor } from './FieldEditor.tsx';
import { PackageChip } from './PackageChip.tsx';
import { EmptyState, PageHeader } from './PageHeader.tsx';
import { RenameFieldDialog } from './RenameFieldDialog.tsx';
import { useDeploy } from './useDeploy.tsx';
import { CUSTOM_PACKAGE, type StudioField, type StudioMetadata, type StudioObject } from './types.ts';

function Flags({ f }: { f: StudioField }) {
  const flags = [f.required && 'required', f.unique && 'unique', f.externalId && 'external id', f.pii && 'personal data'].filter(Boolean) as string[];
  return <Box sx={{ display: 'flex', gap: 0.5, flexWrap: 'wrap' }}>{flags.map((x) => <Chip key={x} label={x} size="small" variant="outlined" />)}</Box>;
}

export function FieldList({ object, meta }: { object: StudioObject; meta: StudioMetadata }) {
  const deploy = useDeploy();
  const [editing, setEditing] = useState<StudioField | 'new'>();
  const [renaming, setRenaming] = useState<StudioField>();

  const remove = (f: StudioField) => deploy({
    title: `Remove field ${fieldLabel(f)} from ${object.label} (its data goes to the recycle bin)`,
    change: (base, deployed) => removeField(base, deployed, object, f.name),
  });

  return (
    <>
      <PageHeader
        level={2}
        title="Fields"
        subtitle={`${object.fields.length} field${object.fields.length === 1 ? '' : 's'}. Every record also has an owner, created and updated dates.`}
        actions={<Button variant="contained" startIcon={<Add />} onClick={() => setEditing('new')}>New field</Button>}
      />
      <Paper>
        {object.fields.length === 0 ? (
          <EmptyState title="No fields yet" action={<Button onClick={() => setEditing('new')}>Add the first field</Button>} />
        ) : (
          <TableContainer>
            <Table size="small" aria-label={`Fields of ${object.label}`}>
              <TableHead>
                <TableRow>
                  <TableCell>Field</TableCell>
                  <TableCell>Type</TableCell>
                  <TableCell sx={{ display: { xs: 'none', md: 'table-cell' } }}>Settings</TableCell>
                  <TableCell sx={{ display: { xs: 'none', sm: 'table-cell' } }}>Package</TableCell>
                  <TableCell align="right">Actions</TableCell>
                </TableRow>
              </TableHead>
              <TableBody>
                {object.fields.map((f) => {
                  const label = fieldLabel(f);
                  const mine = f.package === CUSTOM_PACKAGE;
                  return (
                    <TableRow key={f.id ?? f.name} hover>
                      <TableCell>
                        <Typography sx={{ fontWeight: 600 }}>{label}{object.nameField === f.name ? ' ★' : ''}</Typography>
                        <Typography variant="body2" color="text.secondary" sx={{ fontFamily: 'monospace' }}>{f.name}</Typography>
                      </TableCell>
                      <TableCell>{typeLabel(f)}{f.type === 'reference' ? ` → ${f.to}` : ''}</TableCell>
                      <TableCell sx={{ display: { xs: 'none', md: 'table-cell' } }}><Flags f={f} /></TableCell>
                      <TableCell sx={{ display: { xs: 'none', sm: 'table-cell' } }}><PackageChip pkg={f.package} /></TableCell>
                      <TableCell align="right" sx={{ whiteSpace: 'nowrap' }}>
                        <Tooltip title="Edit settings"><IconButton aria-label={`Edit field ${label}`} onClick={() => setEditing(f)}><Tune /></IconButton></Tooltip>
                        <Tooltip title="Rename"><IconButton aria-label={`Rename field ${label}`} onClick={() => setRenaming(f)}><DriveFileRenameOutline /></IconButton></Tooltip>
                        <Tooltip title={mine ? 'Remove (to the recycle bin)' : `Fields of package ${f.package} cannot be removed here`}>
                          <span>
                            <IconButton aria-label={`Remove field ${label}`} onClick={() => void remove(f)} disabled={!mine || object.nameField === f.name}>
                              <DeleteOutline />
                            </IconButton>
                          </span>
                        </Tooltip>
                      </TableCell>
                    </TableRow>
                  );
                })}
              </TableBody>
            </Table>
          </TableContainer>
        )}
      </Paper>
      {editing && <FieldEditor object={object} meta={meta} field={editing === 'new' ? undefined : editing} onClose={() => setEditing(undefined)} />}
      {renaming && <RenameFieldDialog object={object} field={renaming} onClose={() => setRenaming(undefined)} />}
    </>
  );
}
