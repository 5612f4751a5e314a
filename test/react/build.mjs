// Bundles the React example (example.tsx, React, and sip-phone/react from lib/) into
// .test-tmp/react-example.js for index.html. Run after `npm run build`; test/e2e/react.test.mjs
// calls it, or by hand: node test/react/build.mjs
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));
export const exampleBundle = `${root}.test-tmp/react-example.js`;

export async function buildReactExample() {
  await build({
    entryPoints: [`${root}test/react/example.tsx`],
    outfile: exampleBundle,
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    jsx: 'automatic',
    define: { 'process.env.NODE_ENV': '"production"' },
    logLevel: 'warning',
  });
  return exampleBundle;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) console.log(await buildReactExample());
