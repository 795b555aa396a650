/** An object's validation rules: what each refuses, with whose package it is; add, edit, remove. */
import { Link as RouterLink } from 'react-router';
import { Box, Button, IconButton, Paper, Table, TableBody, TableCell, TableContainer, TableHead, TableRow, Tooltip, Typography } from '@mui/material';
import Add from '@mui/icons-material/Add';
import Edit from '@mui/icons-material/Edit';
import DeleteOutline from '@mui/icons-material/DeleteOutline';
import { removeRule } from './customBundle.ts';
import { PackageChip } from './PackageChip.tsx';
import { EmptyState, PageHeader } from './PageHeader.tsx';
import { useDeploy } from './useDeploy.tsx';
import { CUSTOM_PACKAGE, type StudioObject } from './types.ts';

export function RuleList({ object }: { object: StudioObject }) {
  const deploy = useDeploy();
  const rules = object.validationRules ?? [];
  return (
    <>
      <PageHeader level={2} title="Validation rules" subtitle="A rule refuses a save when its conditions hold, with your message."
        actions={<Button variant="contained" startIcon={<Add />} component={RouterLink} to="new">New rule</Button>} />
      <Paper>
        {rules.length === 0 ? (
          <EmptyState title="No validation rules" action={<Button component={RouterLink} to="new">Add the first rule</Button>}>
            For example: refuse a year before 1900, or a closed case without a resolution.
          </EmptyState>
        ) : (
          <TableContainer>
            <Table size="small" aria-label={`Validation rules of ${object.label}`}>
              <TableHead>
                <TableRow>
                  <TableCell>Rule</TableCell>
                  <TableCell>Message</TableCell>
                  <TableCell sx={{ display: { xs: 'none', sm: 'table-cell' } }}>Package</TableCell>
                  <TableCell align="right">Actions</TableCell>
                </TableRow>
              </TableHead>
              <TableBody>
                {rules.map((r) => (
                  <TableRow key={r.name} hover>
                    <TableCell sx={{ fontFamily: 'monospace' }}>{r.name}</TableCell>
                    <TableCell><Typography variant="body2">{r.message}</Typography>{r.on?.length === 1 && <Typography variant="caption" color="text.secondary">only on {r.on[0]}</Typography>}</TableCell>
                    <TableCell sx={{ display: { xs: 'none', sm: 'table-cell' } }}><PackageChip pkg={r.package} /></TableCell>
                    <TableCell align="right" sx={{ whiteSpace: 'nowrap' }}>
                      <Tooltip title="Edit"><IconButton component={RouterLink} to={r.name} aria-label={`Edit rule ${r.name}`}><Edit /></IconButton></Tooltip>
                      <Tooltip title={r.package === CUSTOM_PACKAGE ? 'Remove' : `Rules of package ${r.package} cannot be removed here`}>
                        <span>
                          <IconButton aria-label={`Remove rule ${r.name}`} disabled={r.package !== CUSTOM_PACKAGE}
                            onClick={() => void deploy({ title: `Remove validation rule ${r.name} from ${object.label}`, change: (base) => removeRule(base, object, r.name) })}>
                            <DeleteOutline />
                          </IconButton>
                        </span>
                      </Tooltip>
                    </TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          </TableContainer>
        )}
      </Paper>
      <Box sx={{ mt: 1 }} />
    </>
  );
}
