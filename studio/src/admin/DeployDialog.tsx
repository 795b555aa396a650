/**
 * Every studio save is a deploy: build the bundle, ask the server for a dry run, show the plan
 * in words (refusals and warnings highlighted, an invalid package's problems listed), and
 * apply only when the admin confirms.
 */
import { useEffect, useRef, useState } from 'react';
import {
  Alert, AlertTitle, Box, Button, CircularProgress, Dialog, DialogActions, DialogContent, DialogTitle,
  List, ListItem, ListItemIcon, ListItemText, Typography, useMediaQuery,
} from '@mui/material';
import { useTheme } from '@mui/material/styles';
import CheckCircleOutline from '@mui/icons-material/CheckCircleOutline';
import ErrorOutline from '@mui/icons-material/ErrorOutline';
import WarningAmber from '@mui/icons-material/WarningAmber';
import { useQueryClient } from '@tanstack/react-query';
import type { PackageBundle } from '../../../metadata/types.ts';
import { ApiError, type FieldError } from '../api/client.ts';
import { finalizeCustom, type Deployed } from './customBundle.ts';
import { countRecords, describeProblemPath, isRefused, refusalText, visibleSteps } from './deployText.ts';
import { deployBundle, errorText, freshState } from './studioApi.ts';
import { CUSTOM_PACKAGE, type DeployResult, type PlanStep } from './types.ts';

export interface DeployRequest {
  /** What the admin is doing, in words ("Add field Plate to Vehicle"). */
  title: string;
  /** A studio save: the change to the admin's customizations. */
  change?: (base: PackageBundle, deployed: Deployed) => PackageBundle;
  /** A package uploaded as it is. */
  bundle?: PackageBundle;
}

type Phase =
  | { kind: 'checking' }
  | { kind: 'invalid'; errors: FieldError[]; detail: string }
  | { kind: 'plan'; result: DeployResult }
  | { kind: 'applying'; result: DeployResult }
  | { kind: 'refused'; plan: PlanStep[]; errors: FieldError[]; detail: string }
  | { kind: 'failed'; message: string; result?: DeployResult };

function StepLine({ step }: { step: PlanStep }) {
  const refused = isRefused(step);
  const warned = !refused && (step.warnings ?? []).some((w) => w.count > 0);
  return (
    <ListItem disableGutters sx={{ alignItems: 'flex-start', py: 0.25 }} data-refused={refused || undefined}>
      <ListItemIcon sx={{ minWidth: 32, mt: 0.5 }}>
        {refused ? <ErrorOutline color="error" aria-hidden /> : warned ? <WarningAmber color="warning" aria-hidden /> : <CheckCircleOutline color="success" aria-hidden />}
      </ListItemIcon>
      <ListItemText
        primary={step.description}
        slotProps={{ primary: { color: refused ? 'error' : undefined } }}
        secondary={
          refused || warned || step.details?.length ? (
            <>
              {step.details?.length ? (
                <Box component="span" sx={{ display: 'block', color: 'text.secondary' }}>
                  {step.details.map((d) => <Box component="span" key={d} sx={{ display: 'block', overflowWrap: 'anywhere' }}>{d}</Box>)}
                </Box>
              ) : null}
              {refused && <Box component="span" sx={{ color: 'error.main', fontWeight: 600, display: 'block' }}>{refusalText(step)}</Box>}
              {(step.warnings ?? []).filter((w) => w.count > 0).map((w) => (
                <Box component="span" key={w.reason} sx={{ color: 'warning.dark', display: 'block' }}>warning: {countRecords(w.count, w.reason)}</Box>
              ))}
            </>
          ) : undefined
        }
      />
    </ListItem>
  );
}

function Plan({ steps, hidePackageStep }: { steps: PlanStep[]; hidePackageStep: boolean }) {
  const shown = visibleSteps(steps, hidePackageStep);
  if (!shown.length) return <Alert severity="info">Nothing to change: the deployed metadata says this already.</Alert>;
  return (
    <>
      <Typography variant="subtitle2" component="h3" sx={{ mt: 1 }}>What the deploy does</Typography>
      <List dense aria-label="Deploy plan">
        {shown.map((s, i) => <StepLine key={`${s.kind}-${i}`} step={s} />)}
      </List>
    </>
  );
}

function Problems({ errors, bundle }: { errors: FieldError[]; bundle?: PackageBundle }) {
  return (
    <List dense aria-label="Problems">
      {errors.map((e, i) => (
        <ListItem key={i} disableGutters sx={{ alignItems: 'flex-start' }}>
          <ListItemIcon sx={{ minWidth: 32, mt: 0.5 }}><ErrorOutline color="error" aria-hidden /></ListItemIcon>
          <ListItemText primary={e.message} secondary={describeProblemPath(bundle, e.field)} />
        </ListItem>
      ))}
    </List>
  );
}

export function DeployDialog({ request, onClose }: { request: DeployRequest; onClose: (result: DeployResult | undefined) => void }) {
  const qc = useQueryClient();
  const theme = useTheme();
  const phone = useMediaQuery(theme.breakpoints.down('sm'));
  const [phase, setPhase] = useState<Phase>({ kind: 'checking' });
  const [bundle, setBundle] = useState<PackageBundle>();
  const custom = !request.bundle;

  // One dry run per request (StrictMode's second effect run must not repeat it).
  const started = useRef<DeployRequest>(undefined);
  useEffect(() => {
    if (started.current === request) return;
    started.current = request;
    (async () => {
      let b: PackageBundle;
      try {
        if (request.bundle) b = request.bundle;
        else {
          const { meta, base } = await freshState(qc);
          b = finalizeCustom(request.change!(base, meta), meta.objects);
        }
      } catch (e) {
        setPhase({ kind: 'failed', message: errorText(e) });
        return;
      }
      setBundle(b);
      try {
        setPhase({ kind: 'plan', result: await deployBundle(b, true) });
      } catch (e) {
        if (e instanceof ApiError && e.status === 400) setPhase({ kind: 'invalid', errors: e.errors, detail: e.message });
        else setPhase({ kind: 'failed', message: errorText(e) });
      }
    })();
  }, [request, qc]);

  const apply = async () => {
    if (phase.kind !== 'plan' || !bundle) return;
    setPhase({ kind: 'applying', result: phase.result });
    try {
      const result = await deployBundle(bundle, false);
      await Promise.all([
        qc.invalidateQueries({ queryKey: ['metadata'] }),
        qc.invalidateQueries({ queryKey: ['studio'] }),
        qc.invalidateQueries({ queryKey: ['records'] }),
        qc.invalidateQueries({ queryKey: ['record'] }),
      ]);
      onClose(result);
    } catch (e) {
      if (e instanceof ApiError && e.status === 409) {
        const plan = Array.isArray(e.body.plan) ? (e.body.plan as PlanStep[]) : phase.result.plan;
        setPhase({ kind: 'refused', plan, errors: e.errors, detail: e.message });
      } else if (e instanceof ApiError && e.status === 400) {
        setPhase({ kind: 'invalid', errors: e.errors, detail: e.message });
      } else {
        setPhase({ kind: 'failed', message: errorText(e), result: phase.result });
      }
    }
  };

  const result = phase.kind === 'plan' || phase.kind === 'applying' ? phase.result : undefined;
  const refusals = result?.refusals ?? [];
  const refusedSteps = result?.plan.some(isRefused) ?? false;
  const nothing = !!result && !visibleSteps(result.plan, custom).length;
  const canApply = phase.kind === 'plan' && !refusals.length && !refusedSteps && !nothing;
  const busy = phase.kind === 'checking' || phase.kind === 'applying';

  return (
    <Dialog open onClose={() => !busy && onClose(undefined)} fullWidth maxWidth="sm" fullScreen={phone} aria-labelledby="deploy-title" aria-describedby="deploy-what"
      slotProps={{ paper: { sx: { outline: 'none' } } }}>
      <DialogTitle id="deploy-title">Review and deploy</DialogTitle>
      <DialogContent dividers>
        <Typography id="deploy-what" sx={{ fontWeight: 600 }}>{request.title}</Typography>
        {phase.kind === 'checking' && (
          <Box role="status" sx={{ display: 'flex', gap: 2, alignItems: 'center', py: 3 }}>
            <CircularProgress size={24} aria-hidden /> Checking what this changes (a dry run: nothing is changed yet)…
          </Box>
        )}
        {phase.kind === 'invalid' && (
          <Box sx={{ mt: 2 }}>
            <Alert severity="error" role="alert"><AlertTitle>This cannot be deployed</AlertTitle>{phase.detail}. Nothing was changed.</Alert>
            <Problems errors={phase.errors} bundle={bundle} />
          </Box>
        )}
        {(phase.kind === 'plan' || phase.kind === 'applying') && (
          <Box sx={{ mt: 1 }}>
            {(refusals.length > 0 || refusedSteps) && (
              <Alert severity="error" role="alert" sx={{ mb: 1 }}>
                <AlertTitle>The deploy would be refused</AlertTitle>
                {refusals.length ? refusals.map((r) => <div key={r}>{r}</div>) : 'Some records cannot take this change.'}
                <div>Fix those records first, or make a different change. Nothing was changed.</div>
              </Alert>
            )}
            <Plan steps={phase.result.plan} hidePackageStep={custom} />
          </Box>
        )}
        {phase.kind === 'refused' && (
          <Box sx={{ mt: 1 }}>
            <Alert severity="error" role="alert"><AlertTitle>The deploy was refused</AlertTitle>{phase.detail}. Nothing was changed.</Alert>
            <Plan steps={phase.plan} hidePackageStep={custom} />
          </Box>
        )}
        {phase.kind === 'failed' && (
          <Alert severity="error" role="alert" sx={{ mt: 2 }}><AlertTitle>Could not deploy</AlertTitle>{phase.message}</Alert>
        )}
      </DialogContent>
      <DialogActions>
        <Button onClick={() => onClose(undefined)} disabled={phase.kind === 'applying'}>{phase.kind === 'plan' && canApply ? 'Cancel' : 'Close'}</Button>
        {(phase.kind === 'plan' || phase.kind === 'applying') && (
          <Button variant="contained" onClick={apply} disabled={!canApply} startIcon={phase.kind === 'applying' ? <CircularProgress size={16} color="inherit" aria-hidden /> : undefined}>
            {phase.kind === 'applying' ? 'Applying…' : 'Apply'}
          </Button>
        )}
      </DialogActions>
    </Dialog>
  );
}

/** The package name a deploy request is for (for messages). */
export function requestPackage(r: DeployRequest): string {
  return r.bundle?.package.name ?? CUSTOM_PACKAGE;
}
