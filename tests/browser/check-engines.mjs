// Refuses installed npm packages whose `engines.node` range the running Node
// does not satisfy (issue #14: playwright-core 1.65 needs Node 20, Debian 12
// ships Node 18; a machine with a newer Node hid it).
//
// `npm ci` refuses such a package at install time through `engine-strict`
// (tests/browser/.npmrc); this check also runs when node_modules is already
// there, installed earlier or by another Node. No dependencies: the range
// grammar is npm's (https://docs.npmjs.com/cli/configuring-npm/package-json
// #engines, node-semver ranges): `||` alternatives of space-separated
// comparators with <, <=, >, >=, =, ^, ~, x-ranges and hyphen ranges.
//
//   node check-engines.mjs [node_modules-dir]    exit 0 or 1

import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const DIR = path.resolve(process.argv[2] || path.join(HERE, 'node_modules'));
const NODE = process.env.CHECK_ENGINES_NODE || process.versions.node;

// "18", "18.x", "18.2", "v18.2.0", "*" -> [major, minor, patch] with null
// for a wildcard part
function partial(s) {
    const m = /^v?(\d+|[xX*])?(?:\.(\d+|[xX*]))?(?:\.(\d+|[xX*]))?(?:[-+].*)?$/
        .exec(s);
    if (!m) {
        throw new Error(`cannot read version "${s}"`);
    }
    return [m[1], m[2], m[3]].map((p) => (p === undefined || /[xX*]/.test(p))
        ? null : Number(p));
}

function cmp(a, b) {
    for (let i = 0; i < 3; i++) {
        if (a[i] !== b[i]) {
            return a[i] < b[i] ? -1 : 1;
        }
    }
    return 0;
}

// the lowest version not matched by a partial version p as an upper bound
function next(p) {
    if (p[0] === null) {
        return null;
    }
    if (p[1] === null) {
        return [p[0] + 1, 0, 0];
    }
    if (p[2] === null) {
        return [p[0], p[1] + 1, 0];
    }
    return null;
}

function zero(p) {
    return p.map((x) => (x === null ? 0 : x));
}

// one comparator -> list of [op, version] checks, all of which must hold
function comparator(c) {
    const m = /^(<=|>=|<|>|=|\^|~>?)?\s*(.*)$/.exec(c);
    const op = m[1] || '';
    const p = partial(m[2]);
    const lo = zero(p);
    if (p[0] === null) {
        return op === '<' || op === '>' ? [['<', [0, 0, 0]]] : [];
    }
    switch (op) {
    case '>':
        return next(p) ? [['>=', next(p)]] : [['>', lo]];
    case '>=':
        return [['>=', lo]];
    case '<':
        return [['<', lo]];
    case '<=':
        return next(p) ? [['<', next(p)]] : [['<=', lo]];
    case '^': {
        const hi = p[0] > 0 || p[1] === null ? [p[0] + 1, 0, 0]
            : p[1] > 0 || p[2] === null ? [0, p[1] + 1, 0]
            : [0, 0, p[2] + 1];
        return [['>=', lo], ['<', hi]];
    }
    case '~':
    case '~>':
        return [['>=', lo], ['<', p[1] === null ? [p[0] + 1, 0, 0]
            : [p[0], p[1] + 1, 0]]];
    default:
        return next(p) ? [['>=', lo], ['<', next(p)]] : [['=', lo]];
    }
}

function holds(v, [op, w]) {
    const r = cmp(v, w);
    return op === '>=' ? r >= 0 : op === '>' ? r > 0 : op === '<' ? r < 0
        : op === '<=' ? r <= 0 : r === 0;
}

export function satisfies(version, range) {
    const v = zero(partial(version));
    return range.split('||').some((alt) => {
        let s = alt.trim();
        const h = /^(\S+)\s+-\s+(\S+)$/.exec(s);
        let checks;
        if (h) {
            checks = [...comparator('>=' + h[1]), ...comparator('<=' + h[2])];
        } else {
            s = s.replace(/(<=|>=|<|>|=|\^|~>?)\s+/g, '$1');
            checks = s === '' ? [] : s.split(/\s+/).flatMap(comparator);
        }
        return checks.every((c) => holds(v, c));
    });
}

// every package under a node_modules directory, scoped and nested ones too
function packages(dir, out) {
    let entries;
    try {
        entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
        return out;
    }
    for (const e of entries) {
        if (e.name.startsWith('.') || !e.isDirectory()) {
            continue;
        }
        const p = path.join(dir, e.name);
        if (e.name.startsWith('@')) {
            packages(p, out);
            continue;
        }
        const file = path.join(p, 'package.json');
        if (fs.existsSync(file)) {
            out.push(file);
        }
        packages(path.join(p, 'node_modules'), out);
    }
    return out;
}

function main() {
    const bad = [];
    const files = packages(DIR, []);
    for (const file of files) {
        const pkg = JSON.parse(fs.readFileSync(file, 'utf8'));
        const range = pkg.engines && pkg.engines.node;
        if (typeof range !== 'string') {
            continue;
        }
        let ok;
        try {
            ok = satisfies(NODE, range);
        } catch (e) {
            ok = false;
        }
        if (!ok) {
            bad.push(`  ${pkg.name}@${pkg.version} requires Node "${range}"`);
        }
    }
    if (bad.length) {
        console.error(`browser tests: the installed Node.js ${NODE} does not`
            + ' satisfy the engines of:\n' + bad.join('\n') + '\n'
            + 'Pin tests/browser/package.json to versions whose "engines" accept'
            + ' the Node.js of Debian 12 (18), or run with a Node.js they'
            + ' accept.');
        process.exit(1);
    }
    console.log(`browser tests: ${files.length} npm packages accept`
        + ` Node.js ${NODE}`);
}

if (process.argv[1] && path.resolve(process.argv[1])
    === fileURLToPath(import.meta.url)) {
    main();
}
