/** One object in the studio: its fields, page layouts, list views, validation rules and details. */
import { lazy, Suspense } from 'react';
import { Link as RouterLink, Navigate, Route, Routes, useLocation, useParams } from 'react-router';
import { Alert, Box, Breadcrumbs, Button, Link, Tab, Tabs, Typography } from '@mui/material';
import OpenInNew from '@mui/icons-material/OpenInNew';
import { Loading } from '../App.tsx';
import { FieldList } from './FieldList.tsx';
import { ObjectDetails } from './ObjectDetails.tsx';
import { LayoutList } from './LayoutList.tsx';
import { ViewList } from './ViewList.tsx';
import { RuleList } from './RuleList.tsx';
import { PackageChip } from './PackageChip.tsx';
import { PageHeader } from './PageHeader.tsx';
import { errorText, useStudioMetadata } from './studioApi.ts';

const LayoutDesigner = lazy(() => import('./LayoutDesigner.tsx'));
const RuleBuilder = lazy(() => import('./RuleBuilder.tsx'));

const TABS = [
  { path: 'fields', label: 'Fields' },
  { path: 'layouts', label: 'Page layouts' },
  { path: 'views', label: 'List views' },
  { path: 'rules', label: 'Validation rules' },
  { path: 'details', label: 'Details' },
];

export default function ObjectEditor() {
  const { object: name = '' } = useParams();
  const meta = useStudioMetadata();
  const location = useLocation();
  if (meta.isPending) return <Loading label="Loading the object" />;
  if (meta.isError) return <Alert severity="error">Could not load the metadata: {errorText(meta.error)}</Alert>;
  const object = meta.data.objects.find((o) => o.name === name);
  if (!object) {
    return (
      <Alert severity="warning" action={<Button component={RouterLink} to="/studio/objects">All objects</Button>}>
        There is no object named “{name}”. It may have been removed (see the recycle bin).
      </Alert>
    );
  }
  const base = `/studio/objects/${object.name}`;
  const rest = location.pathname.slice(base.length).split('/').filter(Boolean);
  const tab = TABS.find((t) => t.path === rest[0])?.path ?? 'fields';
  // The designer and the rule builder are pages of their own under the object.
  const deep = rest.length > 1;
  return (
    <>
      <Breadcrumbs aria-label="Breadcrumb" sx={{ mb: 1 }}>
        <Link component={RouterLink} to="/studio/objects" underline="hover" color="inherit">Objects</Link>
        {deep ? <Link component={RouterLink} to={`${base}/${tab}`} underline="hover" color="inherit">{object.label}</Link> : <Typography color="text.primary">{object.label}</Typography>}
      </Breadcrumbs>
      {!deep && (
        <>
          <PageHeader
            title={object.label}
            subtitle={<Box sx={{ display: 'flex', gap: 1, alignItems: 'center', flexWrap: 'wrap' }}><span style={{ fontFamily: 'monospace' }}>{object.name}</span><PackageChip pkg={object.package} /></Box>}
            actions={<Button component={RouterLink} to={`/app/${object.name}`} startIcon={<OpenInNew />}>Open in the app</Button>}
          />
          <Box sx={{ borderBottom: 1, borderColor: 'divider', mb: 2 }}>
            <Tabs value={tab} variant="scrollable" scrollButtons="auto" allowScrollButtonsMobile aria-label={`${object.label} settings`}>
              {TABS.map((t) => <Tab key={t.path} value={t.path} label={t.label} component={RouterLink} to={`${base}/${t.path}`} />)}
            </Tabs>
          </Box>
        </>
      )}
      <Suspense fallback={<Loading />}>
        <Routes>
          <Route index element={<Navigate to="fields" replace />} />
          <Route path="fields" element={<FieldList object={object} meta={meta.data} />} />
          <Route path="layouts" element={<LayoutList object={object} meta={meta.data} />} />
          <Route path="layouts/:layout" element={<LayoutDesigner object={object} meta={meta.data} />} />
          <Route path="views" element={<ViewList object={object} meta={meta.data} />} />
          <Route path="rules" element={<RuleList object={object} />} />
          <Route path="rules/:rule" element={<RuleBuilder object={object} meta={meta.data} />} />
          <Route path="details" element={<ObjectDetails object={object} meta={meta.data} />} />
          <Route path="*" element={<Navigate to="fields" replace />} />
        </Routes>
      </Suspense>
    </>
  );
}
