/**
 * `pnpm bench:profile <file.cpuprofile> [top]`: where a V8 CPU profile (node --cpu-prof) spent
 * its time: self time by function and by package (node_modules package, workspace package or
 * Node itself), the largest first.
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const [file, topArg] = process.argv.slice(2);
if (!file) {
  console.error('usage: pnpm bench:profile <file.cpuprofile> [top]');
  process.exit(2);
}
const top = Number(topArg ?? 25);
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
const byId = new Map(profile.nodes.map((n) => [n.id, n]));

/** The package a script belongs to: `pdf-lib`, `@rayon/documents`, `node:internal`, `(program)`. */
function packageOf(url: string): string {
  if (!url) return '(native / V8)';
  if (url.startsWith('node:')) return 'node';
  const modules = url.lastIndexOf('/node_modules/');
  if (modules >= 0) {
    const [scope, name] = url.slice(modules + 14).split('/');
    return scope!.startsWith('@') ? `${scope}/${name}` : scope!;
  }
  const workspace = /\/(apps|packages|infra)\/([^/]+)\//.exec(url);
  return workspace ? `${workspace[1]}/${workspace[2]}` : url;
}

const functions = new Map<string, number>();
const packages = new Map<string, number>();
let total = 0;
profile.samples.forEach((id, i) => {
  const node = byId.get(id);
  const dt = profile.timeDeltas[i] ?? 0;
  if (!node) return;
  total += dt;
  const { functionName, url, lineNumber } = node.callFrame;
  const where = url
    ? `${url.replace(/^.*\/(node_modules|apps|packages|infra)\//, '$1/')}:${lineNumber + 1}`
    : '';
  const fn = `${functionName || '(anonymous)'} ${where}`.trim();
  functions.set(fn, (functions.get(fn) ?? 0) + dt);
  const pkg = packageOf(url);
  packages.set(pkg, (packages.get(pkg) ?? 0) + dt);
});

const print = (title: string, map: Map<string, number>) => {
  console.log(title);
  for (const [name, us] of [...map].sort((a, b) => b[1] - a[1]).slice(0, top)) {
    console.log(
      `  ${((100 * us) / total).toFixed(1).padStart(5)} %  ${(us / 1000).toFixed(0).padStart(7)} ms  ${name}`,
    );
  }
};
console.log(`${file}: ${(total / 1e6).toFixed(1)} s sampled`);
print('self time by package', packages);
print('self time by function', functions);
