/**
 * "Convert lead": one server call (`POST /api/records/lead/:id/convert`) creates the account,
 * the contact and, if wanted, the opportunity in one transaction, then shows where they are.
 */
import { useState, type FormEvent } from 'react';
import { Link as RouterLink } from 'react-router';
import {
  Alert, Button, Checkbox, Dialog, DialogActions, DialogContent, DialogContentText, DialogTitle, FormControlLabel,
  Link, List, ListItem, ListItemText, TextField, useMediaQuery,
} from '@mui/material';
import { useTheme } from '@mui/material/styles';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api, ApiError } from '../../api/client.ts';
import type { CrmRecord } from '../../api/types.ts';

export interface ConvertResult {
  lead: CrmRecord;
  account: CrmRecord;
  contact: CrmRecord;
  opportunity: CrmRecord | null;
  accountCreated: boolean;
  contactCreated: boolean;
}

function personName(lead: CrmRecord): string {
  return [lead.first_name, lead.last_name].filter((x): x is string => typeof x === 'string' && !!x).join(' ');
}

export function ConvertLeadDialog({ lead, open, onClose }: { lead: CrmRecord; open: boolean; onClose: () => void }) {
  const theme = useTheme();
  const phone = useMediaQuery(theme.breakpoints.down('sm'));
  const qc = useQueryClient();
  const company = typeof lead.company === 'string' && lead.company ? lead.company : '';
  const accountName = company || personName(lead);
  const [createOpportunity, setCreateOpportunity] = useState(true);
  const [opportunityName, setOpportunityName] = useState(accountName);
  const convert = useMutation({
    mutationFn: () => api<ConvertResult>(`/api/records/lead/${lead.id}/convert`, {
      method: 'POST',
      body: { createOpportunity, ...(createOpportunity ? { opportunityName: opportunityName.trim() || undefined } : {}) },
    }),
    onSuccess: (out) => {
      qc.setQueryData(['record', 'lead', lead.id, undefined], out.lead);
      void qc.invalidateQueries({ queryKey: ['record', 'lead', lead.id] });
      void qc.invalidateQueries({ queryKey: ['history', 'lead', lead.id] });
      for (const o of ['lead', 'account', 'contact', 'opportunity']) void qc.invalidateQueries({ queryKey: ['records', o] });
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!convert.isPending) convert.mutate();
  };
  const error = convert.error instanceof ApiError
    ? (convert.error.status === 409 ? 'This lead is already converted.' : [convert.error.message, ...convert.error.errors.map((x) => x.message)].filter((m, i, a) => a.indexOf(m) === i).join(' '))
    : convert.error ? 'Could not reach the server. Try again.' : undefined;
  const done = convert.data;

  return (
    <Dialog open={open} onClose={convert.isPending ? undefined : onClose} fullScreen={phone} fullWidth maxWidth="sm" aria-labelledby="convert-title">
      {done ? (
        <>
          <DialogTitle id="convert-title">Lead converted</DialogTitle>
          <DialogContent>
            <DialogContentText>{personName(lead) || 'The lead'} is now a customer record:</DialogContentText>
            <List dense>
              <ListItem disableGutters>
                <ListItemText primary={<>Account: <Link component={RouterLink} to={`/app/account/${done.account.id}`} onClick={onClose}>{String(done.account.name ?? 'Account')}</Link></>} secondary={done.accountCreated ? 'New account' : 'Existing account'} />
              </ListItem>
              <ListItem disableGutters>
                <ListItemText primary={<>Contact: <Link component={RouterLink} to={`/app/contact/${done.contact.id}`} onClick={onClose}>{String(done.contact.full_name ?? done.contact.last_name ?? 'Contact')}</Link></>} secondary={done.contactCreated ? 'New contact' : 'Existing contact with the same email'} />
              </ListItem>
              {done.opportunity && (
                <ListItem disableGutters>
                  <ListItemText primary={<>Opportunity: <Link component={RouterLink} to={`/app/opportunity/${done.opportunity.id}`} onClick={onClose}>{String(done.opportunity.name ?? 'Opportunity')}</Link></>} secondary="New opportunity" />
                </ListItem>
              )}
            </List>
          </DialogContent>
          <DialogActions>
            <Button onClick={onClose}>Close</Button>
            {done.opportunity
              ? <Button variant="contained" component={RouterLink} to={`/app/opportunity/${done.opportunity.id}`} onClick={onClose}>Open opportunity</Button>
              : <Button variant="contained" component={RouterLink} to={`/app/account/${done.account.id}`} onClick={onClose}>Open account</Button>}
          </DialogActions>
        </>
      ) : (
        <form onSubmit={submit} noValidate>
          <DialogTitle id="convert-title">Convert lead</DialogTitle>
          <DialogContent>
            <DialogContentText sx={{ mb: 2 }}>
              Creates the account <strong>{accountName || '(no name)'}</strong> and the contact <strong>{personName(lead) || '(no name)'}</strong>
              {' '}(or links the contact with the same email), and marks the lead converted. All or nothing.
            </DialogContentText>
            {error && <Alert severity="error" sx={{ mb: 2 }}>{error}</Alert>}
            <FormControlLabel
              control={<Checkbox checked={createOpportunity} onChange={(e) => setCreateOpportunity(e.target.checked)} />}
              label="Create an opportunity"
            />
            {createOpportunity && (
              <TextField
                label="Opportunity name"
                value={opportunityName}
                onChange={(e) => setOpportunityName(e.target.value)}
                fullWidth
                size="small"
                margin="normal"
                slotProps={{ htmlInput: { maxLength: 120 } }}
                autoFocus
              />
            )}
          </DialogContent>
          <DialogActions>
            <Button onClick={onClose} disabled={convert.isPending}>Cancel</Button>
            <Button type="submit" variant="contained" disabled={convert.isPending}>Convert</Button>
          </DialogActions>
        </form>
      )}
    </Dialog>
  );
}
