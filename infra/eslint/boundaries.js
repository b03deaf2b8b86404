// Dependency boundaries between the workspace's packages, as ESLint rules (DESIGN.md, « The house »).
// A package is the folder of the nearest package.json; its name is that file's "name".
//
// - no-relative-cross-package: a relative import must stay inside its own package. Reaching into
//   another package's files (`../../../packages/db/src/index.ts`) bypasses its `exports` and its
//   declared dependencies, so nothing sees the arrow; import it by name instead.
// - arrows: which workspace packages a package may import, by name or by relative path,
//   e.g. packages never import an app, simulators never import @rayon/domain.
import fs from 'node:fs';
import path from 'node:path';

/** @type {Map<string, string | null>} directory → folder of its nearest package.json */
const ownerCache = new Map();
/** @type {Map<string, string | undefined>} package folder → its name */
const nameCache = new Map();

/** The folder of the nearest package.json at or above `dir`, or null. */
function packageDirOf(dir) {
  const seen = [];
  let current = dir;
  let found = null;
  for (;;) {
    if (ownerCache.has(current)) {
      found = ownerCache.get(current) ?? null;
      break;
    }
    seen.push(current);
    if (fs.existsSync(path.join(current, 'package.json'))) {
      found = current;
      break;
    }
    const parent = path.dirname(current);
    if (parent === current) break;
    current = parent;
  }
  for (const d of seen) ownerCache.set(d, found);
  return found;
}

function packageNameOf(pkgDir) {
  if (!nameCache.has(pkgDir)) {
    let name;
    try {
      name = JSON.parse(fs.readFileSync(path.join(pkgDir, 'package.json'), 'utf8')).name;
    } catch {
      name = undefined;
    }
    nameCache.set(pkgDir, name);
  }
  return nameCache.get(pkgDir);
}

/** The package folder owning an import target (a file that may not exist yet, or a folder). */
function packageDirOfTarget(target) {
  let isDir = false;
  try {
    isDir = fs.statSync(target).isDirectory();
  } catch {
    isDir = false;
  }
  return packageDirOf(isDir ? target : path.dirname(target));
}

/** Calls `check(node, specifier)` for every static or dynamic import and re-export with a literal source. */
function onImports(check) {
  const fromSource = (node) => {
    if (node.source && node.source.type === 'Literal' && typeof node.source.value === 'string') {
      check(node.source, node.source.value);
    }
  };
  return {
    ImportDeclaration: fromSource,
    ExportNamedDeclaration: fromSource,
    ExportAllDeclaration: fromSource,
    ImportExpression: fromSource,
    // `import x = require('…')` in TypeScript.
    TSExternalModuleReference(node) {
      if (node.expression.type === 'Literal' && typeof node.expression.value === 'string') {
        check(node.expression, node.expression.value);
      }
    },
  };
}

const isRelative = (specifier) =>
  specifier === '.' || specifier === '..' || specifier.startsWith('./') || specifier.startsWith('../');

/** Package name of a bare specifier: `@scope/name/sub` → `@scope/name`, `name/sub` → `name`. */
function bareName(specifier) {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

/** `@rayon/sim-*` → a RegExp matching whole names. */
function namePattern(glob) {
  const escaped = glob.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*');
  return new RegExp(`^${escaped}$`);
}

const noRelativeCrossPackage = {
  meta: {
    type: 'problem',
    docs: {
      description:
        "Relative imports stay inside their package; another package's files are imported by its name.",
    },
    schema: [],
    messages: {
      crossPackage:
        "'{{specifier}}' reaches into {{target}} from {{source}}. Import it by its package name ({{targetName}}), through an entry of its package.json `exports`, and declare the dependency.",
    },
  },
  create(context) {
    const filename = context.filename;
    if (!path.isAbsolute(filename)) return {};
    const sourceDir = packageDirOf(path.dirname(filename));
    if (sourceDir === null) return {};
    const cwd = context.cwd;
    const show = (dir) =>
      dir === null ? 'outside any package' : path.relative(cwd, dir) || 'the root package';
    return onImports((node, specifier) => {
      if (!isRelative(specifier)) return;
      const targetDir = packageDirOfTarget(path.resolve(path.dirname(filename), specifier));
      if (targetDir === sourceDir) return;
      context.report({
        node,
        messageId: 'crossPackage',
        data: {
          specifier,
          target: show(targetDir),
          source: show(sourceDir),
          targetName: (targetDir !== null && packageNameOf(targetDir)) || 'its name',
        },
      });
    });
  },
};

const arrows = {
  meta: {
    type: 'problem',
    docs: { description: 'Which workspace packages a package may import (DESIGN.md arrows).' },
    schema: [
      {
        type: 'array',
        items: {
          type: 'object',
          properties: {
            // Package names (`*` matches any characters) whose files the arrow applies to.
            from: { type: 'array', items: { type: 'string' } },
            // Package names among `from` the arrow does not apply to.
            exceptFrom: { type: 'array', items: { type: 'string' } },
            // Either the names it may not import…
            forbid: { type: 'array', items: { type: 'string' } },
            // …or the only workspace names (within `scope`) it may import; its own name is always allowed.
            allowOnly: { type: 'array', items: { type: 'string' } },
            scope: { type: 'string' },
            // Regular expression on the path (relative to the repository) of files the arrow does not apply to.
            exceptFiles: { type: 'string' },
            message: { type: 'string' },
          },
          required: ['from', 'message'],
          additionalProperties: false,
        },
      },
    ],
    messages: { arrow: "'{{specifier}}' ({{target}}) may not be imported from {{source}}: {{message}}" },
  },
  create(context) {
    const filename = context.filename;
    if (!path.isAbsolute(filename)) return {};
    const sourceDir = packageDirOf(path.dirname(filename));
    const sourceName = sourceDir === null ? undefined : packageNameOf(sourceDir);
    if (sourceName === undefined) return {};
    const relativeFile = path.relative(context.cwd, filename).split(path.sep).join('/');
    const arrowsHere = (context.options[0] ?? []).filter(
      (arrow) =>
        arrow.from.some((glob) => namePattern(glob).test(sourceName)) &&
        !(arrow.exceptFrom ?? []).some((glob) => namePattern(glob).test(sourceName)) &&
        !(arrow.exceptFiles && new RegExp(arrow.exceptFiles).test(relativeFile)),
    );
    if (arrowsHere.length === 0) return {};
    return onImports((node, specifier) => {
      let target;
      if (isRelative(specifier)) {
        const targetDir = packageDirOfTarget(path.resolve(path.dirname(filename), specifier));
        target = targetDir === null ? undefined : packageNameOf(targetDir);
      } else {
        target = bareName(specifier);
      }
      if (target === undefined || target === sourceName) return;
      for (const arrow of arrowsHere) {
        const forbidden = arrow.forbid
          ? arrow.forbid.some((glob) => namePattern(glob).test(target))
          : arrow.allowOnly
            ? namePattern(arrow.scope ?? '*').test(target) &&
              !arrow.allowOnly.some((glob) => namePattern(glob).test(target))
            : false;
        if (forbidden) {
          context.report({
            node,
            messageId: 'arrow',
            data: { specifier, target, source: sourceName, message: arrow.message },
          });
          return;
        }
      }
    });
  },
};

export default {
  meta: { name: 'rayon-boundaries' },
  rules: { 'no-relative-cross-package': noRelativeCrossPackage, arrows },
};
