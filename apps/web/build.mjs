// Bundles the web SPA (apps/web/src) with esbuild into <outdir> (default dist/web):
// index.html, assets/app.js and assets/app.css (FullCalendar's stylesheets included), minified and
// without source maps (the API never serves .map files, OPS-06); --dev: unminified, maps inlined.
//   node apps/web/build.mjs [--outdir <dir>] [--dev] [--report]
import { build } from 'esbuild';
import { copyFileSync, mkdirSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const flag = (name) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const outdir = resolve(flag('--outdir') ?? join(here, '../../dist/web'));
const dev = args.includes('--dev');
const report = args.includes('--report');

rmSync(outdir, { recursive: true, force: true });
mkdirSync(join(outdir, 'assets'), { recursive: true });
const result = await build({
  absWorkingDir: here,
  entryPoints: { app: 'src/main.ts' },
  outdir: join(outdir, 'assets'),
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: ['es2022', 'chrome110', 'firefox115', 'safari16'],
  minify: !dev,
  sourcemap: dev ? 'inline' : false,
  legalComments: 'linked',
  tsconfig: join(here, 'src/tsconfig.json'),
  logLevel: 'warning',
  metafile: true,
});
copyFileSync(join(here, 'index.html'), join(outdir, 'index.html'));
const bytes = Object.entries(result.metafile.outputs).map(
  ([file, o]) => `${file.split('/').pop()} ${(o.bytes / 1024).toFixed(0)} kB`,
);
if (report) process.stdout.write(`web build -> ${outdir}: ${bytes.join(', ')}\n`);
