// Browser test of the DPO's dashboard (issue #22, docs/dpo-guide.md):
// headless Debian chromium driven by playwright-core opens every report
// behind auth_basic, in Swedish and English, checks each with axe-core,
// registers a breach and runs a sweep through the forms with JavaScript
// off, and takes a screenshot of the overview (the one in
// docs/img/dpo-overview.png comes from here).
//
// Starts its own nginx with the module: the shop's pages, the dashboard
// behind auth_basic, a policy document, retention periods and a mail
// command writing to a folder; the roll-ups of 30 past days are written
// with sqlite3 for the chart. Run by tests/browser/run.sh after the rights
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

const AUTH = { username: 'dpo', password: 'br0wser-test' };
const REPORTS = ['index', 'retention', 'analytics', 'requests', 'cookies',
    'incidents', 'audit', 'processing'];


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
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ngxp-dpo-'));
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

    fs.writeFileSync(path.join(dir, 'htpasswd'),
        `${AUTH.username}:{PLAIN}${AUTH.password}\n`);
    fs.writeFileSync(path.join(dir, 'index.html'),
        '<!DOCTYPE html><html lang="sv"><title>shop</title><p>shop</p>');
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
    privacy_policy ${REPO}/docs/examples/policy.json;
    privacy_retention customer 24M;
    privacy_retention supplier 24M;
    privacy_retention club 24M;
    privacy_retention newsletter 24M;
    privacy_retention chat 90d;
    privacy_retention cctv 30d;
    privacy_retention bookkeeping 7y;
    privacy_retention analytics 13M;
    privacy_retention consent 24M;
    privacy_retention requests 36M;
    privacy_retention audit 36M;
    privacy_cookie necessary '^session$';
    server {
        listen 127.0.0.1:${port};
        root ${dir};
        location / { privacy on; privacy_analytics on; }
        location /dpo/ {
            allow 127.0.0.1;
            deny all;
            auth_basic "DPO";
            auth_basic_user_file ${dir}/htpasswd;
            privacy_dpo;
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

// 30 days of roll-ups, a request and an unclassified cookie, with sqlite3
function seed(dir) {
    const rows = [];
    const day = Math.floor(Date.now() / 86400000) * 86400;
    for (let i = 30; i >= 1; i--) {
        const d = new Date((day - i * 86400) * 1000).toISOString().slice(0, 10);
        const views = 800 + ((i * 37) % 400);
        rows.push(`INSERT OR REPLACE INTO analytics_daily VALUES ('${d}',`
            + ` 'shop.example', ${views}, ${Math.floor(views / 3)}, 40);`);
        rows.push(`INSERT OR REPLACE INTO analytics_daily_pages VALUES`
            + ` ('${d}', 'shop.example', '/produkter/reglar', 120, 60);`);
        rows.push(`INSERT OR REPLACE INTO analytics_daily_searches VALUES`
            + ` ('${d}', 'shop.example', 'reglar', 12, 9);`);
    }
    rows.push("INSERT INTO subjects (subject_id, external_id, email, created,"
        + " updated) VALUES ('" + 'ab'.repeat(16) + "', 'kund-1',"
        + " 'karin@example.se', 0, 0);");
    rows.push("INSERT INTO requests (request_id, subject, type, status,"
        + ` received, due) VALUES ('req-1', 1, 'access', 'open', ${day - 20 * 86400},`
        + ` ${day + 5 * 86400});`);
    rows.push("INSERT OR IGNORE INTO cookies_seen VALUES ('_hjSession_4711',"
        + ` NULL, ${day}, ${day}, 1);`);
    execFileSync('sqlite3', ['-cmd', '.timeout 5000',
        path.join(dir, 'data', 'privacy.db'), rows.join('\n')]);
}

async function run(browser, ngx) {
    current = 'access';
    const anon = await fetch(`${ngx.url}/dpo/`);
    ok(anon.status === 401, 'without credentials: 401', anon.status);

    // the first report creates the register's tables; then the seed
    const ctx = await browser.newContext({ locale: 'sv-SE',
        httpCredentials: AUTH, viewport: { width: 1200, height: 900 } });
    const page = await ctx.newPage();
    await page.goto(`${ngx.url}/dpo/`);
    ok(await page.locator('h1').innerText() === 'Översikt', 'the overview');
    seed(ngx.dir);

    // every page in Swedish, the overview in English too (the same markup)
    for (const lang of ['sv', 'en']) {
        for (const r of lang === 'sv' ? REPORTS : ['index']) {
            current = `${r} (${lang})`;
            const res = await page.goto(`${ngx.url}/dpo/${r}.html?lang=${lang}`);
            ok(res.status() === 200, 'the page', res.status());
            ok(await page.locator('nav a[aria-current="page"]').count() === 1,
                'the menu marks it');
            await axeCheck(page, `${r}.html`);
            if (lang === 'sv') {
                await shot(page, `dpo-${r}`);
            }
        }
    }

    current = 'chart';
    await page.goto(`${ngx.url}/dpo/analytics.html?lang=en`);
    const svg = page.locator('svg[role="img"]');
    ok(await svg.count() === 1, 'the chart is drawn');
    ok(/page views from/.test(await page.locator('svg desc').innerHTML()),
        'with a description');

    current = 'print';
    await page.emulateMedia({ media: 'print' });
    await page.goto(`${ngx.url}/dpo/processing.html`);
    ok(!await page.locator('nav').isVisible(), 'the menu is not printed');
    await page.emulateMedia({ media: 'screen' });
    await ctx.close();

    // the forms post without JavaScript
    current = 'no JavaScript';
    const nojs = await browser.newContext({ locale: 'en-US',
        javaScriptEnabled: false, httpCredentials: AUTH });
    const p0 = await nojs.newPage();
    await p0.goto(`${ngx.url}/dpo/incidents.html?lang=en`);
    await p0.getByLabel('What happened').fill('A list of customers was mailed'
        + ' to the wrong address <b>');
    await p0.getByLabel('Which personal data').fill('names, e-mail');
    await p0.getByLabel('Who and how many are affected').fill('12 customers');
    await p0.getByLabel('Likely consequences').fill('Unwanted mail.');
    await p0.getByLabel('Measures taken and planned').fill('Asked the'
        + ' recipient to delete it.');
    await p0.getByLabel(/Notify these customers/).fill('kund-1');
    await p0.getByRole('button', { name: 'Register' }).click();
    ok(p0.url().endsWith('/dpo/incidents.html'), 'a breach registered',
        p0.url());
    const clock = await p0.locator('.clock').first().innerText();
    ok(/^7[012] h \d\d min left/.test(clock), 'the 72-hour clock', clock);
    const mailed = await waitFor(() => fs.readdirSync(path.join(ngx.dir, 'mail'))
        .some((f) => f.endsWith('.eml')));
    ok(mailed, 'the notice went through the mail command');

    await p0.goto(`${ngx.url}/dpo/retention.html?lang=en`);
    await p0.getByRole('button', { name: 'Preview (dry run)' }).click();
    ok(p0.url().endsWith('/dpo/retention.html'), 'a dry run asked for');

    await nojs.close();

    // JavaScript on again for axe-core: the pages with an open breach
    current = 'open breach';
    const ctx2 = await browser.newContext({ locale: 'sv-SE',
        httpCredentials: AUTH, viewport: { width: 1200, height: 800 } });
    const p1 = await ctx2.newPage();
    await p1.goto(`${ngx.url}/dpo/incidents.html`);
    await axeCheck(p1, 'incidents.html with an open breach');
    await p1.goto(`${ngx.url}/dpo/`);
    await axeCheck(p1, 'the overview with an open breach');
    await shot(p1, 'dpo-overview');
    await ctx2.close();
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
        console.log(`# DPO dashboard: chromium ${browser.version()}, `
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
