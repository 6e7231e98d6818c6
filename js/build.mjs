// Builds the widgets' ES modules (what anywidget loads) and, with --tests, the Node tests.
//
//   node build.mjs                 src/{studio,player}/index.ts -> nemo_widgets/widget/static/
//   node build.mjs --outdir DIR    the same into DIR (scripts/test compares it with the committed
//                                  files)
//   node build.mjs --tests         test/*.test.ts -> test-build/*.test.mjs, for `node --test`
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import * as esbuild from "esbuild";

const here = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const option = (name) => {
  const index = args.indexOf(name);
  return index >= 0 ? args[index + 1] : undefined;
};

const BANNER = `/* nemo-widgets front end, built from js/src by esbuild (js/README.md): do not edit.
   The libraries bundled in, with their licences: third-party-licenses.txt beside this file. */`;
const LICENSES = "third-party-licenses.txt";

/** The licence texts of the npm packages the bundles hold (from esbuild's list of inputs). */
function licenses(metafile) {
  const names = new Set();
  for (const input of Object.keys(metafile.inputs)) {
    const match = input.match(/(?:^|\/)node_modules\/((?:@[^/]+\/)?[^/]+)\//);
    if (match) names.add(match[1]);
  }
  const parts = [...names].sort().map((name) => {
    const folder = join(here, "node_modules", name);
    const meta = JSON.parse(readFileSync(join(folder, "package.json"), "utf8"));
    const file = readdirSync(folder).find((entry) => /^licen[cs]e/i.test(entry));
    const text = file ? readFileSync(join(folder, file), "utf8").trim() : `${meta.license}`;
    return `${meta.name} ${meta.version} (${meta.license})\n\n${text}\n`;
  });
  const head =
    "Third-party code bundled into studio.js and player.js (built from js/ by esbuild).\n";
  return [head, ...parts].join(`\n${"-".repeat(78)}\n\n`);
}

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
  const outdir = resolve(
    option("--outdir") ?? join(here, "..", "nemo_widgets", "widget", "static"),
  );
  const result = await esbuild.build({
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
    metafile: true,
    logLevel: "warning",
  });
  writeFileSync(join(outdir, LICENSES), licenses(result.metafile));
}
