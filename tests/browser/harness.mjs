// What the browser tests of the module's own pages share (rights.test.mjs,
// dpo.test.mjs; banner.test.mjs takes the port helpers and sleep): a
// TAP-like runner, an nginx of their own with the module, the register
// and a mail command writing to a folder, axe-core checks, screenshots,
// and the main loop that starts chromium, runs the walk and checks the
// error log. Environment: NGINX, MODULE, CHROMIUM, KEEP=1 (as
// banner.test.mjs).

import { spawnSync, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import axe from 'axe-core';
import { chromium } from 'playwright-core';

const HERE = path.dirname(fileURLToPath(import.meta.url));
export const REPO = path.resolve(HERE, '..', '..');
const SHOTS = path.join(HERE, 'screenshots');
const NGINX = process.env.NGINX || '/usr/sbin/nginx';
const MODULE = path.resolve(process.env.MODULE
    || path.join(REPO, 'build', 'ngx_http_privacy_module.so'));
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu',
    '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync'];


// --- a minimal test runner: TAP-like output, exit status ---------------------

const results = { pass: 0, fail: 0 };
let current = '';

// names the step the next results belong to
export function step(name) {
    current = name;
}

export function ok(cond, what, detail) {
    const n = results.pass + results.fail + 1;
    if (cond) {
        results.pass++;
        console.log(`ok ${n} - ${current}: ${what}`);
    } else {
        results.fail++;
        console.log(`not ok ${n} - ${current}: ${what}`);
        if (detail !== undefined) {
            console.log('#   ' + String(typeof detail === 'string' ? detail
                : JSON.stringify(detail, null, 1)).replace(/\n/g, '\n#   '));
        }
    }
    return cond;
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export async function waitFor(fn, ms = 15000) {
    for (const end = Date.now() + ms; Date.now() < end; await sleep(100)) {
        const v = await fn();
        if (v) {
            return v;
        }
    }
    return null;
}

export function freePort() {
    return new Promise((resolve, reject) => {
        const s = net.createServer();
        s.unref();
        s.on('error', reject);
        s.listen(0, '127.0.0.1', () => {
            const { port } = s.address();
            s.close(() => resolve(port));
        });
    });
}

export function portOpen(port) {
    return new Promise((resolve) => {
        const c = net.connect(port, '127.0.0.1');
        c.on('connect', () => { c.destroy(); resolve(true); });
        c.on('error', () => resolve(false));
    });
}


// --- nginx ----------------------------------------------------------------------

// A directory of its own (data/ and mail/ the workers' when run as root),
// a secret and the mail command: the workers run it as nobody when the
// tests run as root, and a checkout under /root (mode 700) is out of
// their reach, so it is copied here.
export function prepareDir(name) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), `ngxp-${name}-`));
    fs.chmodSync(dir, 0o755);
    for (const d of ['tmp', 'data', 'mail']) {
        fs.mkdirSync(path.join(dir, d));
        if (d !== 'tmp' && process.getuid() === 0) {
            execFileSync('chown', ['nobody:nogroup', path.join(dir, d)]);
        }
    }

    fs.copyFileSync(path.join(REPO, 'demo', 'mail.sh'),
        path.join(dir, 'mail.sh'));
    fs.chmodSync(path.join(dir, 'mail.sh'), 0o755);

    const fd = fs.openSync('/dev/urandom', 'r');
    const secret = Buffer.alloc(48);
    fs.readSync(fd, secret, 0, 48, null);
    fs.closeSync(fd);
    fs.writeFileSync(path.join(dir, 'secret'), secret, { mode: 0o600 });

    return dir;
}

// starts nginx in dir; http(port) gives what its http block holds besides
// the register, the secret and the mail command
export async function startNginx(dir, http) {
    const port = await freePort();
    const user = process.getuid() === 0 ? 'user nobody nogroup;' : '';
    const conf = path.join(dir, 'nginx.conf');
    fs.writeFileSync(conf, `load_module ${MODULE};
${user}
worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log info;
events { worker_connections 256; }
http {
    access_log off;
    client_body_temp_path ${dir}/tmp;
    privacy_secret_file ${dir}/secret;
    privacy_db ${dir}/data/privacy.db;
    privacy_mail_command "${dir}/mail.sh ${dir}/mail"
                         from=privacy@shop.example;
${http(port)}}
`);

    const res = spawnSync(NGINX, ['-p', dir + '/', '-c', conf, '-e',
        path.join(dir, 'error.log')], { encoding: 'utf8' });
    if (res.status !== 0) {
        throw new Error(`nginx did not start:\n${res.stdout}${res.stderr}`);
    }
    if (!await waitFor(() => portOpen(port))) {
        throw new Error(`nginx does not listen on ${port}; see ${dir}/error.log`);
    }

    return { dir, port, url: `http://127.0.0.1:${port}` };
}

async function stopNginx(ngx) {
    let pid;
    try {
        pid = parseInt(fs.readFileSync(path.join(ngx.dir, 'nginx.pid'), 'utf8'),
            10);
        process.kill(pid, 'SIGQUIT');
    } catch {
        return;
    }
    await waitFor(() => !fs.existsSync(path.join(ngx.dir, 'nginx.pid')));
}


// --- pages ----------------------------------------------------------------------

export async function axeCheck(page, what) {
    await page.evaluate(axe.source);
    const res = await page.evaluate(async () => {
        const r = await window.axe.run(document, { resultTypes: ['violations'] });
        return r.violations.map((v) => ({ id: v.id, help: v.help,
            nodes: v.nodes.map((n) => n.target.join(' ')).slice(0, 5) }));
    });
    ok(res.length === 0, `axe-core: no violations on ${what}`, res);
}

export async function shot(page, name) {
    fs.mkdirSync(SHOTS, { recursive: true });
    await page.screenshot({ path: path.join(SHOTS, `${name}.png`),
        fullPage: true });
}

// the code in the newest message of the mail folder
export function newestCode(dir) {
    const files = fs.readdirSync(dir).filter((f) => f.endsWith('.eml')).sort();
    if (!files.length) {
        return null;
    }
    const m = fs.readFileSync(path.join(dir, files[files.length - 1]), 'utf8');
    const code = /^\s+(\d{8})\r?$/m.exec(m);
    return code ? code[1] : null;
}


// --- the run --------------------------------------------------------------------

// start() starts nginx ({ dir, port, url }), run(browser, ngx) walks;
// exits with 1 if anything failed
export async function main(name, start, run) {
    for (const [what, file] of [['nginx', NGINX], ['module', MODULE],
        ['chromium', CHROMIUM]]) {
        if (!fs.existsSync(file)) {
            console.log(`Bail out! ${what} not found: ${file}`);
            process.exit(1);
        }
    }

    const ngx = await start();
    let browser;

    try {
        browser = await chromium.launch({ executablePath: CHROMIUM,
            headless: true, args: CHROMIUM_ARGS, timeout: 60000 });
        console.log(`# ${name}: chromium ${browser.version()}, `
            + `nginx at ${ngx.url} (${ngx.dir})`);
        await run(browser, ngx);
    } catch (e) {
        ok(false, 'ran to the end', e && e.stack || String(e));
    } finally {
        if (browser) {
            await browser.close();
        }
        await stopNginx(ngx);
    }

    step('nginx');
    const log = fs.readFileSync(path.join(ngx.dir, 'error.log'), 'utf8');
    const bad = log.split('\n').filter((l) => /\[(alert|emerg|crit)\]/.test(l));
    ok(bad.length === 0, 'no [alert], [emerg] or [crit] in error.log', bad);

    if (results.fail === 0 && process.env.KEEP !== '1') {
        fs.rmSync(ngx.dir, { recursive: true, force: true });
    } else {
        console.log(`# nginx dir kept: ${ngx.dir}`);
    }

    console.log(`1..${results.pass + results.fail}`);
    console.log(`# ${results.pass} passed, ${results.fail} failed`);
    process.exit(results.fail ? 1 : 0);
}
