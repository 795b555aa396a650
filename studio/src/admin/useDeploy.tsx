/** `useDeploy()`: any studio screen asks for a deploy; one dialog shows the plan and applies it. */
import { createContext, useCallback, useContext, useState, type ReactNode } from 'react';
import { Alert, Snackbar } from '@mui/material';
import { DeployDialog, requestPackage, type DeployRequest } from './DeployDialog.tsx';
import type { DeployResult } from './types.ts';

type Deploy = (request: DeployRequest) => Promise<DeployResult | undefined>;

const DeployContext = createContext<Deploy | undefined>(undefined);

export function DeployProvider({ children }: { children: ReactNode }) {
  const [pending, setPending] = useState<{ request: DeployRequest; resolve: (r: DeployResult | undefined) => void }>();
  const [done, setDone] = useState<string>();
  const deploy = useCallback<Deploy>((request) => new Promise((resolve) => setPending({ request, resolve })), []);
  return (
    <DeployContext.Provider value={deploy}>
      {children}
      {pending && (
        <DeployDialog
          request={pending.request}
          onClose={(result) => {
            pending.resolve(result);
            setPending(undefined);
            if (result?.applied) setDone(`Deployed: ${pending.request.title}`);
            else if (result) setDone(`Nothing to deploy for package ${requestPackage(pending.request)}`);
          }}
        />
      )}
      <Snackbar open={!!done} autoHideDuration={5000} onClose={() => setDone(undefined)} anchorOrigin={{ vertical: 'bottom', horizontal: 'center' }}>
        <Alert severity="success" variant="filled" onClose={() => setDone(undefined)}>{done}</Alert>
      </Snackbar>
    </DeployContext.Provider>
  );
}

/** Opens the deploy dialog; resolves with the result when applied, undefined when cancelled. */
export function useDeploy(): Deploy {
  const d = useContext(DeployContext);
  if (!d) throw new Error('useDeploy needs a DeployProvider');
  return d;
}
