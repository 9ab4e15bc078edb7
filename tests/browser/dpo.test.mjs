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

import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

import { axeCheck, main, ok, prepareDir, REPO, shot, startNginx, step,
    waitFor } from './harness.mjs';

const AUTH = { username: 'dpo', password: 'br0wser-test' };
const REPORTS = ['index', 'retention', 'analytics', 'requests', 'cookies',
    'incidents', 'audit', 'processing'];


// --- nginx ----------------------------------------------------------------------

// the shop's pages, the dashboard behind auth_basic, a policy document
// and retention periods
function start() {
    const dir = prepareDir('dpo');
    fs.writeFileSync(path.join(dir, 'htpasswd'),
        `${AUTH.username}:{PLAIN}${AUTH.password}\n`);
    fs.writeFileSync(path.join(dir, 'index.html'),
        '<!DOCTYPE html><html lang="sv"><title>shop</title><p>shop</p>');
    return startNginx(dir, (port) => `    privacy_policy ${REPO}/docs/examples/policy.json;
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
`);
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
    step('access');
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
            step(`${r} (${lang})`);
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

    step('chart');
    await page.goto(`${ngx.url}/dpo/analytics.html?lang=en`);
    const svg = page.locator('svg[role="img"]');
    ok(await svg.count() === 1, 'the chart is drawn');
    ok(/page views from/.test(await page.locator('svg desc').innerHTML()),
        'with a description');

    step('print');
    await page.emulateMedia({ media: 'print' });
    await page.goto(`${ngx.url}/dpo/processing.html`);
    ok(!await page.locator('nav').isVisible(), 'the menu is not printed');
    await page.emulateMedia({ media: 'screen' });
    await ctx.close();

    // the forms post without JavaScript
    step('no JavaScript');
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
    step('open breach');
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

main('DPO dashboard', start, run).catch((e) => {
    console.log(`Bail out! ${e && e.stack || e}`);
    process.exit(1);
});
