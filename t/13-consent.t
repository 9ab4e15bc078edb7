#!/usr/bin/perl

# Issue #2, consent enforcement, the decision itself: the consent page
# (GET) and endpoint (POST) under privacy_portal, the signed consent cookie
# and its attributes, CSRF and redirect checks, the receipts written to
# the register, withdrawal, Global Privacy Control, and the consent
# cookies that must count as no decision (forged, truncated, another
# policy version, expired).

use strict;
use warnings;

use FindBin;
use lib "$FindBin::Bin/lib";

use MIME::Base64 qw(decode_base64url encode_base64url);
use Test::More;
use Time::HiRes qw(sleep time);
use PrivacyTest;

my $t = PrivacyTest->new;

my $EPOCH = 'Max-Age=0; Path=/; Expires=Thu, 01 Jan 1970 00:00:01 GMT';

# a cookie never seen set is expired at "/" and in the request's directory
# too (a Set-Cookie without Path leaves it there): /privacy for the portal
my $EPOCH_DIR = 'Max-Age=0; Path=/privacy; Expires=Thu, 01 Jan 1970 00:00:01 GMT';
my $ALL = 'necessary,preferences,statistics,marketing';

my $CONF = <<'EOF';
    privacy_secret_file %%SECRET%%;
    privacy_db %%DB%%;
    privacy_policy_version "v1";
    privacy_cookie statistics '^_ga';
    privacy_cookie marketing '^_fbp$';
    privacy_cookie necessary '^session$';

    %%BACKEND%%

    server {
        listen 127.0.0.1:%%PORT%%;
        server_name front;
        privacy on;

        location / {
            proxy_pass http://127.0.0.1:%%BACKEND_PORT%%;
        }

        location /privacy/ {
            privacy_portal;
            client_body_buffer_size 1k;
        }

        location /vars {
            return 200 "consent=[$privacy_consent] decided=[$privacy_decided] gpc=[$privacy_gpc]\n";
        }
    }

    # the consent cookie's attributes from privacy_consent_cookie
    server {
        listen 127.0.0.1:%%PORT%%;
        server_name custom;
        privacy on;
        privacy_consent_cookie pc max_age=1s domain=example.se path=/shop
                               secure samesite=strict;

        location /p/ {
            privacy_portal;
        }

        location /vars {
            return 200 "consent=[$privacy_consent] decided=[$privacy_decided] cookie=[$http_cookie]\n";
        }
    }

    server {
        listen 127.0.0.1:%%PORT%%;
        server_name none.example;
        privacy on;
        privacy_consent_cookie pc2 samesite=none;
        location /privacy/ {
            privacy_portal;
        }
    }

    # privacy_gpc off, and a portal in a server without "privacy on"
    server {
        listen 127.0.0.1:%%PORT%%;
        server_name nogpc;
        privacy_gpc off;

        location / {
            privacy on;
            proxy_pass http://127.0.0.1:%%BACKEND_PORT%%;
        }

        location /privacy/ {
            privacy_portal;
        }
    }
EOF

$t->config($CONF);
$t->start;

# --- the consent page ------------------------------------------------------------

my $r = $t->get('/privacy/consent', { 'Accept-Language' => 'en' });
is($r->{status}, 200, 'GET /privacy/consent');
like($r->{headers}{'content-type'}, qr{^text/html; charset=utf-8$}, 'HTML');
my $page = $r->{content};

for my $action (qw(accept_all reject_all save)) {
    my @b = $page =~ /<button type="submit" name="action" value="$action">/g;
    is(scalar @b, 1, "one $action button");
}
like($page, qr{<form method="post" action="/privacy/consent">},
    'the form posts to the consent endpoint');

for my $cat (qw(preferences statistics marketing)) {
    my ($input) = $page =~ /(<input[^>]*value="$cat"[^>]*>)/;
    ok(defined $input, "a $cat checkbox");
    like($input // '', qr/type="checkbox"/, "$cat: a checkbox");
    like($input // '', qr/name="category"/, "$cat: named category");
    unlike($input // '', qr/\bchecked\b/, "$cat: not pre-ticked");
}
like($page, qr/<input[^>]*id="privacy-necessary"[^>]*checked disabled/,
    'necessary is shown ticked and fixed');

my $csp = $r->{headers}{'content-security-policy'} // '';
like($csp, qr/default-src 'none'/, 'CSP: default-src none');
like($csp, qr/form-action 'self'/, 'CSP: form-action self');
like($csp, qr/frame-ancestors 'none'/, 'CSP: frame-ancestors none');
my ($nonce) = $csp =~ /'nonce-([^']+)'/;
$nonce //= 'no nonce in the CSP';
like($page, qr/<style nonce="\Q$nonce\E">/,
    'the style element carries the CSP nonce');
is($r->{headers}{'cache-control'}, 'no-store', 'Cache-Control: no-store');

$r = $t->get('/privacy/consent');
like($r->{content}, qr/<html lang="sv">/, 'Swedish by default');
$r = $t->get('/privacy/consent?lang=en');
like($r->{content}, qr/<html lang="en">/, '?lang=en');

$r = $t->request('HEAD', '/privacy/consent');
is($r->{status}, 200, 'HEAD');
is($r->{content} // '', '', 'HEAD: no body');

$r = $t->request('PUT', '/privacy/consent', { content => 'x' });
is($r->{status}, 405, 'PUT: 405');

$r = $t->get('/privacy/');
like($r->{content}, qr{<a href="/privacy/consent">}, 'the index links to it');

# ?return=
$r = $t->get('/privacy/consent?return=%2Fshop%3Fa%3D1%26b%3D2');
like($r->{content},
    qr{<input type="hidden" name="return" value="/shop\?a=1&amp;b=2">},
    'a local ?return= is carried, escaped');

$r = $t->get('/privacy/consent?return=%2F%22%3E%3Cscript%3Ealert(1)%3C%2Fscript%3E');
unlike($r->{content}, qr/<script/i, 'a hostile ?return= is not markup');
like($r->{content}, qr{value="/&quot;&gt;&lt;script&gt;alert\(1\)&lt;/script&gt;"},
    'it is escaped');

$r = $t->get('/privacy/consent?return=%2F%27%20onmouseover%3Dalert(1)%20x%3D%27');
unlike($r->{content}, qr/value="[^"]*' onmouseover/,
    'single quotes escaped too') ;
like($r->{content}, qr/&#39; onmouseover=alert\(1\) x=&#39;/, 'as &#39;');

for my $bad ('%2F%2Fevil.example', 'http%3A%2F%2Fevil.example',
             '%2F%5Cevil.example', 'javascript%3Aalert(1)', '%2F%0D%0Aevil.example')
{
    $r = $t->get("/privacy/consent?return=$bad");
    unlike($r->{content}, qr/evil\.example|javascript/,
        "?return=$bad is dropped");
}

# --- POST: the decisions ------------------------------------------------------------

my $t0 = time;
$r = $t->post('/privacy/consent', [action => 'accept_all']);
my $t1 = time;
is($r->{status}, 303, 'accept_all: 303 See Other');
like($r->{headers}{location}, qr{^(?:http://127\.0\.0\.1:\d+)?/privacy/consent$},
    'without return: back to the consent page');
my ($sc) = grep { /^privacy_consent=/ } set_cookies($r);
my $attrs = 'Path=/; Max-Age=15552000; SameSite=Lax; HttpOnly';
like($sc // '', qr/^privacy_consent=[A-Za-z0-9_-]+; \Q$attrs\E$/,
    'the consent cookie with its default attributes');
my $accept = cookie_pair($sc);
my $acc = decode_consent($accept);
is($acc->{cats}, 0x0f, 'the cookie grants all four categories');
is($acc->{version}, 'v1', 'and names the policy version');
ok($acc->{time} >= int($t0) && $acc->{time} <= $t1 + 1, 'and the decision time');

is(vars($accept), "consent=[$ALL] decided=[1] gpc=[0]",
    'accept_all: every category');

my $reject = decide([action => 'reject_all']);
is(vars($reject), 'consent=[necessary] decided=[1] gpc=[0]',
    'reject_all: decided, necessary only');

is(vars(decide([action => 'save', category => 'statistics'])),
    'consent=[necessary,statistics] decided=[1] gpc=[0]', 'save statistics');

is(vars(decide([action => 'save', category => 'marketing',
                category => 'preferences'])),
    'consent=[necessary,preferences,marketing] decided=[1] gpc=[0]',
    'save two categories (order of the form does not matter)');

is(vars(decide([action => 'save'])), 'consent=[necessary] decided=[1] gpc=[0]',
    'save nothing: decided, necessary only');

is(vars(decide([action => 'save', category => 'necessary'])),
    'consent=[necessary] decided=[1] gpc=[0]', 'save necessary');

is(vars(decide([category => 'statistics', action => 'reject_all'])),
    'consent=[necessary] decided=[1] gpc=[0]',
    'reject_all wins over ticked boxes');

is(vars(''), 'consent=[necessary] decided=[0] gpc=[0]', 'no cookie: undecided');

# --- POST: return -------------------------------------------------------------------

$r = $t->post('/privacy/consent', [action => 'reject_all', return => '/shop/cart?x=1']);
like($r->{headers}{location}, qr{^(?:http://127\.0\.0\.1:\d+)?/shop/cart\?x=1$},
    'return to a local path');

for my $bad ('//evil.example', 'http://evil.example', '/\\evil.example',
             'https://evil.example/x', 'javascript:alert(1)', 'evil.example',
             "/\r\nSet-Cookie: x=1", "/\t/evil.example", '')
{
    (my $show = $bad) =~ s/([^\x21-\x7e])/sprintf '\\x%02x', ord $1/ge;
    $r = $t->post('/privacy/consent', [action => 'reject_all', return => $bad]);
    is($r->{status}, 303, "return=$show: still 303");
    like($r->{headers}{location} // '',
        qr{^(?:http://127\.0\.0\.1:\d+)?/privacy/consent$},
        "return=$show: to the consent page, not off-site");
    ok(!grep({ /^x=1/ } set_cookies($r)), "return=$show: no injected header");
}

# --- POST: bad forms and CSRF -------------------------------------------------------------

my $port = $t->port;
for my $case (
    [ [action => 'accept_al'],                      'unknown action' ],
    [ [action => 'ACCEPT_ALL'],                     'action in capitals' ],
    [ [category => 'statistics'],                   'no action' ],
    [ [action => 'save', category => 'tracking'],   'unknown category' ],
    [ [action => 'save', category => 'Statistics'], 'category in capitals' ],
    [ [action => 'accept_all', category => ''],     'empty category' ],
) {
    my ($form, $name) = @$case;
    $r = $t->post('/privacy/consent', $form);
    is($r->{status}, 400, "$name: 400");
    ok(!grep({ /^privacy_consent=/ } set_cookies($r)), "$name: no cookie");
}

$r = $t->post('/privacy/consent', 'action=reject_all&' . ('x=y&' x 1000));
is($r->{status}, 413, 'a body larger than client_body_buffer_size: 413');

for my $case (
    [ { Origin => 'http://evil.example' },                      403, 'Origin of another host' ],
    [ { Origin => 'null' },                                     403, 'Origin null' ],
    [ { Origin => '' },                                         403, 'empty Origin' ],
    [ { Origin => 'http://127.0.0.1.evil.example' },            403, 'Origin with our host as prefix' ],
    [ { Origin => 'http://evil.example/?http://127.0.0.1' },    403, 'Origin naming us later' ],
    [ { Referer => 'http://evil.example/page' },                403, 'Referer of another host' ],
    [ { Referer => 'http://127.0.0.1@evil.example/' },          403, 'Referer with userinfo' ],
    [ { Origin => "http://127.0.0.1:$port" },                   303, 'Origin of the same host' ],
    [ { Origin => "HTTP://127.0.0.1:$port" },                   303, 'Origin in other case' ],
    [ { Origin => 'http://127.0.0.1:1' },                       403, 'Origin of the same host, another port' ],
    [ { Referer => "http://127.0.0.1:$port/shop" },             303, 'Referer of the same host' ],
    [ { Origin => "http://127.0.0.1:$port",
        Referer => 'http://evil.example/' },                    303, 'Origin decides over Referer' ],
    [ {},                                                       303, 'neither header' ],
) {
    my ($h, $status, $name) = @$case;
    $r = $t->post('/privacy/consent', [action => 'accept_all'], $h);
    is($r->{status}, $status, "$name: $status");
    my $has = grep { /^privacy_consent=/ } set_cookies($r);
    ok($status == 303 ? $has : !$has,
        $status == 303 ? "$name: cookie set" : "$name: no cookie");
}

# --- the consent cookie's attributes -------------------------------------------------------

$r = $t->request('POST', '/p/consent', { host => 'custom',
    headers => { 'Content-Type' => 'application/x-www-form-urlencoded' },
    content => 'action=accept_all' });
is($r->{status}, 303, 'custom server: 303');
like($r->{headers}{location}, qr{^(?:http://custom(?::\d+)?)?/p/consent$},
    'custom server: back to its own portal location');
($sc) = set_cookies($r);
$attrs = 'Path=/shop; Max-Age=1; Domain=example.se; SameSite=Strict; '
    . 'HttpOnly; Secure';
like($sc // '', qr/^pc=[A-Za-z0-9_-]+; \Q$attrs\E$/,
    'privacy_consent_cookie name, max_age, domain, path, secure, samesite');
my $custom = cookie_pair($sc);
my $custom_time = time;

$r = $t->request('GET', '/vars', { host => 'custom',
    headers => { Cookie => "$custom; privacy_consent=other" } });
is($r->{content}, "consent=[$ALL] decided=[1] cookie=[$custom; privacy_consent=other]\n",
    'the custom name is read; the default name is just another cookie there');

$r = $t->request('GET', '/vars', { host => 'custom',
    headers => { Cookie => $accept } });
like($r->{content}, qr/decided=\[0\]/,
    'the default cookie name means nothing where another is configured');

$r = $t->request('POST', '/privacy/consent', { host => 'none.example',
    headers => { 'Content-Type' => 'application/x-www-form-urlencoded' },
    content => 'action=reject_all' });
($sc) = set_cookies($r);
like($sc // '', qr/^pc2=[\w-]+; Path=\/; Max-Age=15552000; SameSite=None; HttpOnly; Secure$/,
    'samesite=none forces Secure');

# --- receipts --------------------------------------------------------------------------------

SKIP: {
    skip 'DBD::SQLite missing', 20 unless eval { require DBD::SQLite; 1 };

    my $rows = wait_rows(1, 'SELECT * FROM consent_receipts WHERE consent_id = ?',
        $acc->{id});
    is(scalar @$rows, 1, 'accept_all: one receipt');
    my $row = $rows->[0] // {};
    like($row->{consent_id} // '', qr/^[0-9a-f]{32}$/, 'consent_id is hex');
    ok(($row->{decided_at} // 0) >= int($t0) && ($row->{decided_at} // 0) <= $t1 + 1,
        'decided_at is the decision time');
    is($row->{decided_at}, $acc->{time}, 'the same time as in the cookie');
    is($row->{policy_version}, 'v1', 'policy_version');
    is($row->{categories}, $ALL, 'categories');
    is($row->{method}, 'consent_page', 'method consent_page');
    like($row->{client} // '', qr/^[0-9a-f]{32}$/, 'client is a keyed hash');
    unlike($row->{client} // '127.0.0.1', qr/127\.0\.0\.1/, 'not the IP address');

    my $all = wait_rows(1, 'SELECT * FROM consent_receipts');
    ok(!grep({ grep { defined && /127\.0\.0\.1/ } values %$_ } @$all),
        'no receipt column holds the IP address');
    is(scalar(keys %{{ map { $_->{client} => 1 } @$all }}), 1,
        'the same address gives the same pseudonym');

    # a decided visitor who takes categories back: withdrawal, same id
    my $less = decide([action => 'save', category => 'statistics'], $accept);
    my $l = decode_consent($less);
    is($l->{id}, $acc->{id}, 'the new cookie keeps the consent id');
    $rows = wait_rows(2, 'SELECT * FROM consent_receipts WHERE consent_id = ? '
        . 'ORDER BY id', $acc->{id});
    is(scalar @$rows, 2, 'a second receipt for the same consent id');
    is($rows->[1]{method}, 'withdrawal', 'reducing categories is a withdrawal');
    is($rows->[1]{categories}, 'necessary,statistics', 'with what is left');

    # more categories again: not a withdrawal
    my $more = decide([action => 'accept_all'], $less);
    $rows = wait_rows(3, 'SELECT * FROM consent_receipts WHERE consent_id = ? '
        . 'ORDER BY id', $acc->{id});
    is($rows->[2]{method} // '', 'consent_page', 'adding categories is not');

    # from the banner
    my $b = decide([action => 'reject_all', source => 'banner']);
    my $bid = decode_consent($b)->{id};
    isnt($bid, $acc->{id}, 'a new visitor gets a new consent id');
    $rows = wait_rows(1, 'SELECT * FROM consent_receipts WHERE consent_id = ?', $bid);
    is($rows->[0]{method} // '', 'banner', 'source=banner is recorded');
    is($rows->[0]{categories} // '', 'necessary', 'reject_all: necessary');

    # refused posts leave no trace
    my $before = scalar @{ wait_rows(1, 'SELECT id FROM consent_receipts') };
    $t->post('/privacy/consent', [action => 'accept_all'],
        { Origin => 'http://evil.example' });
    $t->post('/privacy/consent', [action => 'nope']);
    my $marker = decide([action => 'reject_all']);
    my $mid = decode_consent($marker)->{id};
    wait_rows(1, 'SELECT * FROM consent_receipts WHERE consent_id = ?', $mid);
    is(scalar @{ wait_rows(1, 'SELECT id FROM consent_receipts') }, $before + 1,
        'a 403 and a 400 write no receipt');
}

# --- reject_all expires what the browser presented, in the same response --------------------

$r = $t->post('/privacy/consent', [action => 'reject_all'],
    { Cookie => "$accept; _ga=GA1; _fbp=fb; session=s" });
is_deeply([grep { !/^privacy_consent=/ } set_cookies($r)],
    ["_ga=; $EPOCH", "_ga=; $EPOCH_DIR", "_fbp=; $EPOCH", "_fbp=; $EPOCH_DIR"],
    'reject_all: the same response expires _ga and _fbp');
like($r->{headers}{vary} // '', qr/\bCookie\b/, 'with Vary: Cookie');

$r = $t->post('/privacy/consent', [action => 'save', category => 'statistics'],
    { Cookie => "$accept; _ga=GA1; _fbp=fb" });
is_deeply([grep { !/^privacy_consent=/ } set_cookies($r)],
    ["_fbp=; $EPOCH", "_fbp=; $EPOCH_DIR"],
    'save statistics: only _fbp expired');

$r = $t->post('/privacy/consent', [action => 'accept_all'],
    { Cookie => '_ga=GA1; _fbp=fb' });
is_deeply([grep { !/^privacy_consent=/ } set_cookies($r)], [],
    'accept_all: nothing expired');

$r = $t->request('POST', '/privacy/consent', { host => 'nogpc',
    headers => { 'Content-Type' => 'application/x-www-form-urlencoded',
                 Cookie => '_ga=GA1; session=s' },
    content => 'action=reject_all' });
is_deeply([grep { !/^privacy_consent=/ } set_cookies($r)],
    ["_ga=; $EPOCH", "_ga=; $EPOCH_DIR"],
    'also from a portal outside any "privacy on" scope');

# --- Global Privacy Control ------------------------------------------------------------------

is(vars($accept, { 'Sec-GPC' => '1' }),
    'consent=[necessary,preferences,statistics] decided=[1] gpc=[1]',
    'Sec-GPC: 1 takes marketing away after accept_all');

$r = $t->get('/', { Cookie => "$accept; _ga=1; _fbp=2", 'Sec-GPC' => '1' });
is($r->{content}, "cookie=[$accept; _ga=1]\n",
    'GPC: the backend sees _ga but not _fbp');
is_deeply([map { /^([^=]*)=/ } set_cookies($r)], [qw(_ga session _fbp)],
    'GPC: _ga and session set, _fbp only expired');
ok((grep { $_ eq "_fbp=; $EPOCH" } set_cookies($r)), 'the expiry of _fbp');

$r = $t->post('/privacy/consent', [action => 'accept_all'],
    { 'Sec-GPC' => '1', Cookie => '_fbp=1; _ga=2' });
is_deeply([grep { !/^privacy_consent=/ } set_cookies($r)], ["_fbp=; $EPOCH"],
    'accept_all with Sec-GPC: 1: _fbp expired in the same response');
like($t->get('/privacy/consent?lang=en', { 'Sec-GPC' => '1' })->{content},
    qr/Global Privacy Control/, 'the consent page mentions GPC');

# issue 15.10: a consent cookie holds on its own server only: nogpc's
$r = $t->request('POST', '/privacy/consent', { host => 'nogpc',
    headers => { 'Content-Type' => 'application/x-www-form-urlencoded' },
    content => 'action=accept_all' });
my ($nogpc_accept) = map { cookie_pair($_) }
    grep { /^privacy_consent=/ } set_cookies($r);
$r = $t->request('GET', '/', { host => 'nogpc',
    headers => { Cookie => "$nogpc_accept; _fbp=1", 'Sec-GPC' => '1' } });
is($r->{content}, "cookie=[$nogpc_accept; _fbp=1]\n",
    'privacy_gpc off: marketing allowed despite Sec-GPC');

# --- a decided visitor's page -------------------------------------------------------------

$r = $t->get('/privacy/consent?lang=en',
    { Cookie => decide([action => 'save', category => 'statistics']) });
like($r->{content}, qr/<input[^>]*value="statistics"[^>]*checked/,
    'the page ticks what the visitor chose');
unlike($r->{content}, qr/<input[^>]*value="marketing"[^>]*checked/,
    'and nothing else');
like($r->{content}, qr/Your choice now: Necessary, Statistics\./,
    'and says what the choice is');

# --- consent cookies that are no decision ---------------------------------------------------

is(vars($accept), "consent=[$ALL] decided=[1] gpc=[0]", 'the genuine cookie');

{
    my ($name, $v) = split /=/, $reject, 2;
    my $raw = decode_base64url($v);

    substr(my $f = $raw, 1, 1) = chr 0x0f;
    my $forged = "$name=" . encode_base64url($f);
    is(vars($forged), 'consent=[necessary] decided=[0] gpc=[0]',
        'forged: categories raised without a new signature');

    $r = $t->get('/', { Cookie => "$forged; _ga=1; _fbp=2" });
    is($r->{content}, "cookie=[$forged]\n", 'forged: _ga and _fbp still stripped');

    substr($f = $raw, -1, 1) = chr(ord(substr($raw, -1)) ^ 1);
    is(vars("$name=" . encode_base64url($f)), 'consent=[necessary] decided=[0] gpc=[0]',
        'one bit of the MAC flipped');

    substr($f = $raw, 3, 8) = pack 'Q>', time + 86400;
    is(vars("$name=" . encode_base64url($f)), 'consent=[necessary] decided=[0] gpc=[0]',
        'decision time moved');

    is(vars("$name=" . substr($v, 0, -1)), 'consent=[necessary] decided=[0] gpc=[0]',
        'truncated by one character');
    is(vars("$name=" . substr($v, 0, 40)), 'consent=[necessary] decided=[0] gpc=[0]',
        'truncated to 40 characters');
    is(vars("$name=$v" . 'A'), 'consent=[necessary] decided=[0] gpc=[0]',
        'one character appended');
    is(vars("$name=" . encode_base64url($raw) . '='), 'consent=[necessary] decided=[0] gpc=[0]',
        'base64 padding appended');

    # well-formed, but signed by nobody
    my $made = pack('CCC', 1, 0x0f, 0) . pack('Q>', time) . ('r' x 16)
        . chr(2) . 'v1' . ('m' x 32);
    is(vars('privacy_consent=' . encode_base64url($made)),
        'consent=[necessary] decided=[0] gpc=[0]', 'a well-formed unsigned cookie');

    # a valid cookie next to a broken one with the same name
    is(vars("privacy_consent=garbage; $accept"), "consent=[$ALL] decided=[1] gpc=[0]",
        'a broken cookie before a valid one: the valid one counts');
    is(vars("$accept; privacy_consent=garbage"), "consent=[$ALL] decided=[1] gpc=[0]",
        'a broken cookie after a valid one: the valid one counts');
}

{
    # expired: max_age=1s in the "custom" server (valid at first: above)
    # the decision is at most int($custom_time); expired once 2 s later
    my $until = int($custom_time) + 2.2;
    sleep($until - time) if time < $until;
    $r = $t->request('GET', '/vars', { host => 'custom',
        headers => { Cookie => $custom } });
    like($r->{content}, qr/consent=\[necessary\] decided=\[0\]/,
        'max_age=1s: no decision two seconds later');
}

{
    # another policy version: reload with v2
    (my $v2 = $CONF) =~ s/privacy_policy_version "v1"/privacy_policy_version "v2"/
        or die;
    $t->config($v2);
    ok($t->reload, 'reload with privacy_policy_version v2') or diag($t->reload_error);
    is(vars($accept), 'consent=[necessary] decided=[0] gpc=[0]',
        'a v1 cookie is no decision under v2');
    $r = $t->get('/', { Cookie => "$accept; _ga=1" });
    is($r->{content}, "cookie=[$accept]\n", 'and _ga is stripped again');
    my $new = decide([action => 'accept_all']);
    is(decode_consent($new)->{version}, 'v2', 'new decisions name v2');
    is(vars($new), "consent=[$ALL] decided=[1] gpc=[0]", 'and count');

    SKIP: {
        skip 'DBD::SQLite missing', 1 unless eval { require DBD::SQLite; 1 };
        my $rows = wait_rows(1, 'SELECT * FROM consent_receipts WHERE consent_id = ?',
            decode_consent($new)->{id});
        is($rows->[0]{policy_version} // '', 'v2', 'the receipt names v2');
    }
}

done_testing;
undef $t;

# --- helpers -------------------------------------------------------------------------------

sub cookie_pair {
    my ($set_cookie) = @_;
    return '' unless defined $set_cookie;
    (my $c = $set_cookie) =~ s/;.*//;
    return $c;
}

# posts a decision (with an optional Cookie) and returns the new cookie pair
sub decide {
    my ($form, $cookie) = @_;
    my $res = $t->post('/privacy/consent', $form,
        defined $cookie ? { Cookie => $cookie } : {});
    return '' unless $res->{status} == 303;
    my ($c) = grep { /^privacy_consent=/ } set_cookies($res);
    return cookie_pair($c);
}

# the consent variables as seen with the given Cookie header
sub vars {
    my ($cookie, $h) = @_;
    my %h = (%{ $h || {} }, length $cookie ? (Cookie => $cookie) : ());
    my $res = $t->get('/vars', \%h);
    (my $c = $res->{content}) =~ s/\n\z//;
    return $c;
}

sub decode_consent {
    my ($pair) = @_;
    my (undef, $v) = split /=/, $pair // '', 2;
    my $raw = decode_base64url($v // '');
    return {} if length $raw < 60;
    my $vlen = ord substr($raw, 27, 1);
    return {
        cats    => ord substr($raw, 1, 1),
        time    => unpack('Q>', substr($raw, 3, 8)),
        id      => unpack('H*', substr($raw, 11, 16)),
        version => substr($raw, 28, $vlen),
    };
}

# the rows of $sql once there are at least $n, or whatever there is after
# 10 s (receipts are written by a thread, a moment after the response)
sub wait_rows {
    my ($n, $sql, @bind) = @_;
    my $end = time + 10;
    my $rows = [];
    while (1) {
        $rows = eval { $t->sqlite($sql, @bind) } || [];
        return $rows if @$rows >= $n || time > $end;
        sleep 0.05;
    }
}
