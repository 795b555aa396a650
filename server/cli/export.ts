import path from 'node:path';
import { ensureStandardPackage } from '../../runtime/engine.ts';
import { StrataError } from '../../runtime/errors.ts';
import { exportBundle } from '../../runtime/metadata/export.ts';
import { bundleToFolder } from '../../runtime/metadata/load.ts';
import type { Command } from './main.ts';
import { withEngine } from './engine.ts';

export const exportCommand: Command = {
  summary: 'write the deployed metadata as a package folder',
  usage: 'export [--out <dir>] [--package <name>] [--data-dir D]',
  options: { out: { type: 'string' }, package: { type: 'string' } },
  async run({ values }) {
    return withEngine(values, async (engine) => {
      await ensureStandardPackage(engine);
      const reg = await engine.registry.reload();
      const bundle = exportBundle(reg, values.package as string | undefined);
      if (!bundle) throw new StrataError(404, 'unknown_package', `No package named ${values.package} is deployed`);
      const dir = path.resolve((values.out as string | undefined) ?? `${bundle.package.name}-export`);
      await bundleToFolder(bundle, dir);
      process.stdout.write(`Exported ${bundle.package.name} ${bundle.package.version} (${bundle.objects?.length ?? 0} objects) to ${dir}\n`);
      return 0;
    });
  },
};
