// Builds layanan/static/layanan/{layanan.css,layanan.js} from assets/src.
// Run with `npm run build` (or `make assets` from the repository root).
// Fails if the CSS refers to any url(): we ship no fonts or images from
// govuk-frontend, so such a reference would be a request that 404s.

import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import * as sass from "sass";
import * as esbuild from "esbuild";

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, "..", "layanan", "static", "layanan");
mkdirSync(out, { recursive: true });

const css = sass.compile(join(here, "src", "layanan.scss"), {
  loadPaths: [join(here, "node_modules")],
  style: "compressed",
  // govuk-frontend's own deprecation notices are not ours to fix.
  quietDeps: true,
});
if (/url\(/.test(css.css)) {
  console.error("layanan.css refers to url(): check $govuk-*-url-function settings");
  process.exit(1);
}
writeFileSync(join(out, "layanan.css"), css.css + "\n");

// layanan.js is on every page; office.js (htmx and its glue) only on officer pages.
for (const name of ["layanan.js", "office.js"]) {
  await esbuild.build({
    entryPoints: [join(here, "src", name)],
    outfile: join(out, name),
    bundle: true,
    format: "esm",
    minify: true,
    target: ["es2020"],
    legalComments: "none",
    logLevel: "warning",
  });
}

// Precompressed copies: WhiteNoise serves name.gz / name.br to browsers that
// accept them, and the project serves static files without collectstatic.
const kb = (n) => (n / 1024).toFixed(1);
for (const name of ["layanan.css", "layanan.js", "office.js"]) {
  const bytes = readFileSync(join(out, name));
  const gz = gzipSync(bytes, { level: 9 });
  const br = brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } });
  writeFileSync(join(out, `${name}.gz`), gz);
  writeFileSync(join(out, `${name}.br`), br);
  console.log(`${name}: ${kb(bytes.length)} KB, ${kb(gz.length)} KB gzip, ${kb(br.length)} KB brotli`);
}
