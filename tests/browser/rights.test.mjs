// Browser test of the rights portal (issue #18, docs/rights.md): headless
// Debian chromium driven by playwright-core walks the path a visitor takes
// — ask for a code, read it from the mail folder the mail command writes
// to, sign in, export, erase, and see the export empty — each page checked
// by axe-core; and the code form once with JavaScript off.
//
// Starts its own nginx with the module: the portal, the register API (the
// customer is imported through it) and a privacy_mail_command that writes
// each message to a folder. Run by tests/browser/run.sh after the banner
// test. Environment: NGINX, MODULE, CHROMIUM, KEEP=1 (as banner.test.mjs).

import { spawnSync, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import axe from 'axe-core';
import { chromium } from 'playwright-core';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const REPO = path.resolve(HERE, '..', '..');
const SHOTS = path.join(HERE, 'screenshots');
const NGINX = process.env.NGINX || '/usr/sbin/nginx';
const MODULE = path.resolve(process.env.MODULE
    || path.join(REPO, 'build', 'ngx_http_privacy_module.so'));
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu',
    '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync'];

const CUSTOMER = {
    external_id: 'kund-77', kind: 'customer', name: 'Karin Karlsson',
    email: 'karin@example.se', personnummer: '19811218-9876',
    orders: [{ order_id: 'BB-77', date: '2025-05-02T10:00:00Z',
               total: '250.00', currency: 'SEK' }],
};


// --- a minimal test runner: TAP-like output, exit status ---------------------

const results = { pass: 0, fail: 0 };
let current = '';

function ok(cond, what, detail) {
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

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function waitFor(fn, ms = 15000) {
    for (const end = Date.now() + ms; Date.now() < end; await sleep(100)) {
        const v = await fn();
        if (v) {
            return v;
        }
    }
    return null;
}

function freePort() {
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

function portOpen(port) {
    return new Promise((resolve) => {
        const c = net.connect(port, '127.0.0.1');
        c.on('connect', () => { c.destroy(); resolve(true); });
        c.on('error', () => resolve(false));
    });
}


// --- nginx ----------------------------------------------------------------------

async function startNginx() {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ngxp-rights-'));
    fs.chmodSync(dir, 0o755);
    for (const d of ['tmp', 'data', 'mail']) {
        fs.mkdirSync(path.join(dir, d));
        if (d !== 'tmp' && process.getuid() === 0) {
            execFileSync('chown', ['nobody:nogroup', path.join(dir, d)]);
        }
    }

    // the workers run the mail command as nobody when the tests run as
    // root; a checkout under /root (mode 700) is out of their reach
    fs.copyFileSync(path.join(REPO, 'demo', 'mail.sh'),
        path.join(dir, 'mail.sh'));
    fs.chmodSync(path.join(dir, 'mail.sh'), 0o755);

    const fd = fs.openSync('/dev/urandom', 'r');
    const secret = Buffer.alloc(48);
    fs.readSync(fd, secret, 0, 48, null);
    fs.closeSync(fd);
    fs.writeFileSync(path.join(dir, 'secret'), secret, { mode: 0o600 });

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
    server {
        listen 127.0.0.1:${port};
        location /privacy/ { privacy_portal; }
        location /api/register/ {
            allow 127.0.0.1;
            deny all;
            privacy_register_api;
        }
    }
}
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

async function axeCheck(page, what) {
    await page.evaluate(axe.source);
    const res = await page.evaluate(async () => {
        const r = await window.axe.run(document, { resultTypes: ['violations'] });
        return r.violations.map((v) => ({ id: v.id, help: v.help,
            nodes: v.nodes.map((n) => n.target.join(' ')).slice(0, 5) }));
    });
    ok(res.length === 0, `axe-core: no violations on ${what}`, res);
}

async function shot(page, name) {
    fs.mkdirSync(SHOTS, { recursive: true });
    await page.screenshot({ path: path.join(SHOTS, `${name}.png`),
        fullPage: true });
}

// the code in the newest message of the mail folder
function newestCode(dir) {
    const files = fs.readdirSync(dir).filter((f) => f.endsWith('.eml')).sort();
    if (!files.length) {
        return null;
    }
    const m = fs.readFileSync(path.join(dir, files[files.length - 1]), 'utf8');
    const code = /^\s+(\d{8})\r?$/m.exec(m);
    return code ? code[1] : null;
}


// --- the walk ----------------------------------------------------------------------

async function run(browser, ngx) {
    current = 'import';
    const imp = await fetch(`${ngx.url}/api/register/import`, {
        method: 'POST', headers: { 'Content-Type': 'application/x-ndjson' },
        body: JSON.stringify(CUSTOMER) + '\n' });
    ok(imp.status === 200 && !/error/.test(await imp.text()),
        'a customer imported through the register API');

    // the pages carry no script (their CSP allows none): a form without
    // JavaScript reaches the same answer
    current = 'no JavaScript';
    const nojs = await browser.newContext({ locale: 'en-US',
        javaScriptEnabled: false });
    const p0 = await nojs.newPage();
    await p0.goto(`${ngx.url}/privacy/rights`);
    await p0.getByLabel('E-mail address').fill('nobody@example.se');
    await p0.getByRole('button', { name: 'Send code' }).click();
    ok(/we have sent a one-time code/.test(await p0.content()),
        'the form works without JavaScript');
    await nojs.close();

    // JavaScript on only so that axe-core can run in the page
    const ctx = await browser.newContext({ locale: 'en-US',
        viewport: { width: 1024, height: 800 } });
    const page = await ctx.newPage();

    current = 'ask for a code';
    await page.goto(`${ngx.url}/privacy/rights`);
    ok(await page.locator('h1').innerText() === 'Your rights', 'the form');
    await axeCheck(page, 'rights');
    await shot(page, 'rights-1-form');
    await page.getByLabel('E-mail address').fill(CUSTOMER.email);
    await page.getByRole('button', { name: 'Send code' }).click();
    ok(/we have sent a one-time code/.test(await page.content()),
        'the answer page');
    await axeCheck(page, 'the code sent page');
    await shot(page, 'rights-2-sent');

    current = 'sign in';
    const code = await waitFor(() => newestCode(path.join(ngx.dir, 'mail')));
    ok(code, 'the code is in the mail folder');
    await page.getByLabel('E-mail address').fill(CUSTOMER.email);
    await page.getByLabel('Code from the mail').fill(code || '');
    await page.getByRole('button', { name: 'Sign in' }).click();
    ok(page.url().endsWith('/privacy/rights/account'), 'the account page',
        page.url());
    await axeCheck(page, 'the account page');
    await shot(page, 'rights-3-account');
    const session = (await ctx.cookies()).find((c) => c.name === 'privacy_rights');
    ok(session && session.httpOnly && session.sameSite === 'Strict'
        && session.path === '/privacy/rights', 'the session cookie', session);

    current = 'export';
    await page.getByRole('link', { name: 'See everything we hold about you' })
        .click();
    const html = await page.content();
    ok(html.includes(CUSTOMER.name) && html.includes('19811218-9876')
        && html.includes('BB-77'), 'the export shows name, personnummer, order');
    await axeCheck(page, 'the export page');
    await shot(page, 'rights-4-export');
    const cookie = `privacy_rights=${session ? session.value : ''}`;
    const x = await (await fetch(`${ngx.url}/privacy/rights/export.json`,
        { headers: { Cookie: cookie } })).json();
    ok(x.subject && x.subject.email === CUSTOMER.email, 'export.json');

    current = 'erase';
    await page.goto(`${ngx.url}/privacy/rights/account`);
    await page.getByRole('button', { name: 'Erase my data' }).click();
    const gone = await page.content();
    ok(/Your data is erased/.test(gone) && /Bokföringslagen/.test(gone),
        'the erasure answer says what was kept and why');
    await axeCheck(page, 'the erasure page');
    await shot(page, 'rights-5-erased');
    const y = await (await fetch(`${ngx.url}/privacy/rights/export.json`,
        { headers: { Cookie: cookie } })).json();
    ok(y.subject === null, 'the export is empty afterwards', y);

    await ctx.close();
}


async function main() {
    for (const [what, file] of [['nginx', NGINX], ['module', MODULE],
        ['chromium', CHROMIUM]]) {
        if (!fs.existsSync(file)) {
            console.log(`Bail out! ${what} not found: ${file}`);
            process.exit(1);
        }
    }

    const ngx = await startNginx();
    let browser;

    try {
        browser = await chromium.launch({ executablePath: CHROMIUM,
            headless: true, args: CHROMIUM_ARGS, timeout: 60000 });
        console.log(`# rights portal: chromium ${browser.version()}, `
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

    current = 'nginx';
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

main().catch((e) => {
    console.log(`Bail out! ${e && e.stack || e}`);
    process.exit(1);
});
