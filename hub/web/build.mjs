// build.mjs -- bundles the dashboard: src/main.js and its imports (with
// @msgpack/msgpack and uPlot) into one minified app.js, the stylesheets
// they import (uPlot's) into app.css, next to index.html and style.css,
// in the directory given as the first argument (default build/web at the
// top of the tree, which git ignores).
// CMake (hub/web.cmake) runs it at build time; the result needs no
// internet and no node at run time.
import { copyFile, mkdir } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const out = resolve(process.argv[2] || join(here, "..", "..", "build", "web"));

let build;
try {
  ({ build } = await import("esbuild"));
} catch (e) {
  console.error(`build.mjs: esbuild is missing (${e.code || e.message}): run scripts/web-deps`);
  process.exit(1);
}
await mkdir(out, { recursive: true });
await build({
  entryPoints: [join(here, "src", "main.js")],
  outfile: join(out, "app.js"),
  bundle: true,
  format: "iife",
  target: ["chrome100", "firefox100", "safari15"],
  minify: true,
  legalComments: "none",
  logLevel: "warning",
});
for (const f of ["index.html", "style.css"]) await copyFile(join(here, f), join(out, f));
