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

import path from 'node:path';

import { axeCheck, main, newestCode, ok, prepareDir, shot, startNginx, step,
    waitFor } from './harness.mjs';

const CUSTOMER = {
    external_id: 'kund-77', kind: 'customer', name: 'Karin Karlsson',
    email: 'karin@example.se', personnummer: '19811218-9876',
    orders: [{ order_id: 'BB-77', date: '2025-05-02T10:00:00Z',
               total: '250.00', currency: 'SEK' }],
};


// --- nginx ----------------------------------------------------------------------

// the portal and the register API (the customer is imported through it)
function start() {
    const dir = prepareDir('rights');
    return startNginx(dir, (port) => `    server {
        listen 127.0.0.1:${port};
        location /privacy/ { privacy_portal; }
        location /api/register/ {
            allow 127.0.0.1;
            deny all;
            privacy_register_api;
        }
    }
`);
}


// --- the walk ----------------------------------------------------------------------

async function run(browser, ngx) {
    step('import');
    const imp = await fetch(`${ngx.url}/api/register/import`, {
        method: 'POST', headers: { 'Content-Type': 'application/x-ndjson' },
        body: JSON.stringify(CUSTOMER) + '\n' });
    ok(imp.status === 200 && !/error/.test(await imp.text()),
        'a customer imported through the register API');

    // the pages carry no script (their CSP allows none): a form without
    // JavaScript reaches the same answer
    step('no JavaScript');
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

    step('ask for a code');
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

    step('sign in');
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

    step('export');
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

    step('erase');
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

main('rights portal', start, run).catch((e) => {
    console.log(`Bail out! ${e && e.stack || e}`);
    process.exit(1);
});
