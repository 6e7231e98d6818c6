// Builds the widgets' ES modules (what anywidget loads) and, with --tests, the Node tests.
//
//   node build.mjs                 src/{studio,player}/index.ts -> nemo_widgets/widget/static/
//   node build.mjs --outdir DIR    the same into DIR (scripts/test compares it with the committed files)
//   node build.mjs --tests         test/*.test.ts -> test-build/*.test.mjs, for `node --test`
import { readdirSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import * as esbuild from "esbuild";

const here = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const option = (name) => {
  const index = args.indexOf(name);
  return index >= 0 ? args[index + 1] : undefined;
};

// The bundles name what they hold; the libraries' licences travel with them.
const BANNER = `/* nemo-widgets front end, built from js/src by esbuild (see js/README.md): do not edit.
   Bundles markdown-it, linkify-it, mdurl, uc.micro, punycode.js (MIT) and entities (BSD-2-Clause). */`;

if (args.includes("--tests")) {
  const tests = readdirSync(join(here, "test")).filter((name) => name.endsWith(".test.ts"));
  await esbuild.build({
    entryPoints: tests.map((name) => join(here, "test", name)),
    outdir: join(here, "test-build"),
    outExtension: { ".js": ".mjs" },
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    packages: "external",
    logLevel: "warning",
  });
} else {
  const outdir = resolve(option("--outdir") ?? join(here, "..", "nemo_widgets", "widget", "static"));
  await esbuild.build({
    entryPoints: {
      studio: join(here, "src", "studio", "index.ts"),
      player: join(here, "src", "player", "index.ts"),
    },
    outdir,
    bundle: true,
    format: "esm",
    target: "es2022",
    minify: true,
    legalComments: "none",
    banner: { js: BANNER, css: BANNER },
    charset: "utf8",
    logLevel: "warning",
  });
}
