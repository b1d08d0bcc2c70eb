// Prints the size of what the browser loads (raw and gzipped), so every build shows what it ships.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { gzipSync } from "node:zlib";

const root = new URL("../../target/console-dist/console/", import.meta.url).pathname;
const files = [];
const walk = (dir) => {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path);
    else files.push(path);
  }
};
walk(root);
let raw = 0;
let gzipped = 0;
for (const file of files) {
  const bytes = readFileSync(file);
  raw += bytes.length;
  gzipped += gzipSync(bytes).length;
}
const kib = (n) => (n / 1024).toFixed(1) + " KiB";
console.log(`console bundle: ${files.length} files, ${kib(raw)} (${kib(gzipped)} gzipped) in ${relative(process.cwd(), root)}`);
