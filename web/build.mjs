// Bundles the page into OUTDIR (the build's web/ directory): app.js from
// src/main.js and its npm dependencies, index.html, style.css, and the map
// shapes (world-atlas) as world.json.  Run by meson; no network needed.
import { build } from "esbuild";
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const out = process.argv[2];
if (!out) {
  console.error("usage: node build.mjs OUTDIR");
  process.exit(2);
}
mkdirSync(out, { recursive: true });
await build({
  entryPoints: [join(here, "src", "main.js")],
  bundle: true,
  minify: true,
  format: "iife",
  target: ["es2020"],
  outfile: join(out, "app.js"),
  legalComments: "none",
  logLevel: "warning",
});
copyFileSync(join(here, "index.html"), join(out, "index.html"));
copyFileSync(join(here, "style.css"), join(out, "style.css"));
copyFileSync(join(here, "node_modules", "world-atlas", "countries-50m.json"), join(out, "world.json"));
// The licences of what the bundle and the shapes contain, shipped beside them.
const licensed = ["d3-geo", "d3-array", "internmap", "topojson-client", "world-atlas"];
writeFileSync(
  join(out, "licenses.txt"),
  licensed
    .map((name) => `${name}\n${"=".repeat(name.length)}\n\n${readFileSync(join(here, "node_modules", name, "LICENSE"), "utf8")}`)
    .join("\n\n"),
);
