/** Delete with a confirmation: the record goes to the recycle bin (restorable). */
import { Alert, Button, Dialog, DialogActions, DialogContent, DialogContentText, DialogTitle } from '@mui/material';
import { ApiError } from '../../api/client.ts';
import { useDeleteRecord } from '../../api/hooks.ts';
import type { DeployedObject } from '../../api/types.ts';

export function DeleteDialog({ object, id, title, open, onClose, onDeleted }: {
  object: DeployedObject; id: string; title: string; open: boolean; onClose: () => void; onDeleted: () => void;
}) {
  const del = useDeleteRecord(object.name);
  const error = del.error instanceof ApiError
    ? [del.error.message, ...del.error.errors.filter((e) => e.message !== del.error?.message).map((e) => e.message)].join(' ')
    : del.error ? 'Could not reach the server. Try again.' : undefined;
  return (
    <Dialog open={open} onClose={del.isPending ? undefined : onClose} aria-labelledby="delete-title" aria-describedby="delete-text">
      <DialogTitle id="delete-title">Delete this {object.label.toLowerCase()}?</DialogTitle>
      <DialogContent>
        <DialogContentText id="delete-text">
          “{title}” goes to the recycle bin, where it can be restored.
        </DialogContentText>
        {error && <Alert severity="error" sx={{ mt: 2 }}>{error}</Alert>}
      </DialogContent>
      <DialogActions>
        <Button onClick={onClose} disabled={del.isPending} autoFocus>Cancel</Button>
        <Button color="error" variant="contained" disabled={del.isPending} onClick={() => del.mutate(id, { onSuccess: onDeleted })}>Delete</Button>
      </DialogActions>
    </Dialog>
  );
}
