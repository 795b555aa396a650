/** Who owns an element: the admin (package custom) or an installed package. */
import { Chip, Tooltip } from '@mui/material';
import { CUSTOM_PACKAGE } from './types.ts';

export function PackageChip({ pkg }: { pkg: string }) {
  const mine = pkg === CUSTOM_PACKAGE;
  return (
    <Tooltip title={mine ? 'Added in the studio (package custom)' : `Installed with package ${pkg}`}>
      <Chip size="small" label={mine ? 'custom' : pkg} color={mine ? 'secondary' : 'default'} variant={mine ? 'filled' : 'outlined'} />
    </Tooltip>
  );
}
