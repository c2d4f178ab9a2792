#!/usr/bin/env node
// Copies janus.js from Debian's libjs-janus-gateway into public/vendor/ so that Vite serves it
// (dev) and copies it into dist/ (build). Fails loudly when the package is not installed: the
// app never downloads anything at run time.
import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const source = process.env.JANUS_JS ?? '/usr/share/javascript/janus-gateway/janus.js';
const target = join(here, '..', 'public', 'vendor', 'janus.js');

if (!existsSync(source)) {
  console.error(`\nERROR: ${source} is missing.`);
  console.error('janus.js comes from Debian: apt-get install -y libjs-janus-gateway');
  console.error('(or set JANUS_JS=/path/to/janus.js)\n');
  process.exit(1);
}
mkdirSync(dirname(target), { recursive: true });
copyFileSync(source, target);
console.log(`copied ${source} -> public/vendor/janus.js`);
