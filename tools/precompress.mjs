// Writes `<file>.br` (brotli, quality 11) and `<file>.gz` (gzip -9) beside every compressible file of a
// built `dist/`, once, so that a server sends them as they are instead of compressing on each request
// (mock-server --static-dir does; nginx's `brotli_static`/`gzip_static` and Caddy's `precompressed` do
// the same). A variant is kept only when it is smaller than its file. Trunk runs it after a release build
// (Trunk.toml); by hand: `node tools/precompress.mjs dist`.

import { readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

const COMPRESSIBLE = /\.(wasm|js|mjs|css|html|svg|json|txt|xml|webmanifest|ico)$/;

const dir = process.argv[2];
if (!dir) {
  console.error('usage: node tools/precompress.mjs DIST_DIR');
  process.exit(2);
}

async function* files(folder) {
  for (const entry of await readdir(folder, { withFileTypes: true })) {
    const full = path.join(folder, entry.name);
    if (entry.isDirectory()) yield* files(full);
    else if (entry.isFile() && COMPRESSIBLE.test(entry.name)) yield full;
  }
}

let raw = 0;
let brotli = 0;
for await (const file of files(dir)) {
  const bytes = await readFile(file);
  const variants = {
    br: brotliCompressSync(bytes, {
      params: {
        [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
        [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length,
      },
    }),
    gz: gzipSync(bytes, { level: 9 }),
  };
  for (const [extension, compressed] of Object.entries(variants)) {
    const target = `${file}.${extension}`;
    if (compressed.length < bytes.length) {
      await writeFile(target, compressed);
    } else if (await stat(target).catch(() => null)) {
      await rm(target);
    }
  }
  raw += bytes.length;
  brotli += Math.min(variants.br.length, bytes.length);
}
console.log(`precompressed ${dir}: ${raw} bytes, ${brotli} as brotli`);
