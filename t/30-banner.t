#!/usr/bin/perl

# Issue #4, the consent banner (privacy_banner): where it is injected and
# where not, the markup (equal choices, nothing pre-ticked, a plain form
# back to the same page, the settings layer, the withdrawal link), the
# response headers (Content-Length, ranges, validators, Vary), pages split
# across many small buffers, proxied (buffered, unbuffered, via temp
# files, chunked) and static, gzip after injection, subrequests, the CSP
# nonce and hashes, and the banner coming back when
# privacy_policy_version changes.

use strict;
use warnings;

use FindBin;
use lib "$FindBin::Bin/lib";

use Digest::SHA qw(sha256_base64);
use IO::Uncompress::Gunzip qw(gunzip $GunzipError);
use Test::More;
use PrivacyTest;
use Banner;

my $t = PrivacyTest->new;

my $BEGIN = $Banner::BEGIN;
my $END = $Banner::END;
my $SHOP = '<html><body><h1>shop</h1></body></html>';

# pages whose <body> tag lands on every offset around the 1k buffer edges
my @SPLIT = map { 950 + 7 * $_ } 0 .. 24;

for my $pad (@SPLIT) {
    $t->write_file("www/split/p$pad.html", split_page($pad));
}

$t->write_file('www/static/page.html', split_page(3000));
$t->write_file('www/static/frag.html', '<p>fragment</p>');
$t->write_file('www/static/ssi.html',
    '<html><body><!--# include virtual="/static/frag.html" --></body></html>');
$t->write_file('www/static/plain.txt', "<html><body>not html</body>\n");
$t->write_file('www/static/empty.html', '');
$t->write_file('www/static/nobody.html',
    '<html><head><title>t</title></head><p>no body tag</p></html>');
$t->write_file('www/static/endbody.html', 'text only</body>tail');
$t->write_file('www/static/fragment.html', '<p>just a fragment');
$t->write_file('www/static/tricky.html', join '',
    '<!DOCTYPE html><html><head>',
    '<!-- <body class="in-comment"> -->',
    '<!--[if IE]><body class="ie"><![endif]-->',
    '<script>document.write("<body class=in-script>");</script>',
    '<style>/* <body> */</style>',
    '<title>&lt;body&gt;</title>',
    '<meta name="x" content="<body class=in-attr>">',
    '<BODY data-x=\'a>b\' class="real">',
    '<p>content</p></BODY></html>');

my $CONF = <<'EOF';
    privacy_secret_file %%SECRET%%;
    privacy_db %%DB%%;
    privacy_policy_version "v1";
    privacy_cookie statistics '^_ga$';
    privacy_cookie marketing '^_fbp$';
    privacy_cookie necessary '^session$';

    %%BACKEND%%

    # a second upstream: static pages, chunked pages, odd responses
    server {
        listen 127.0.0.1:%%PORT_2%%;
        privacy off;
        root %%DIR%%/www;
        types { text/html html; }

        location /chunked/ {
            # sub_filter drops Content-Length: the answer is chunked
            alias %%DIR%%/www/split/;
            sub_filter 'never-there' 'x';
        }

        location = /gz {
            default_type text/html;
            add_header Content-Encoding gzip;
            return 200 "<html><body>encoded</body></html>";
        }

        location = /missing {
            default_type text/html;
            return 404 "<html><body>not found</body></html>";
        }

        location = /charset {
            default_type "text/html; charset=iso-8859-1";
            return 200 "<html><body>latin</body></html>";
        }

        location = /xhtml {
            default_type application/xhtml+xml;
            return 200 "<html><body>x</body></html>";
        }

        location = /csp {
            default_type text/html;
            add_header Content-Security-Policy
                "default-src 'self'; script-src 'nonce-Abc123+/=' 'strict-dynamic'";
            return 200 "<html><body>csp</body></html>";
        }

        location = /csp-evil {
            default_type text/html;
            add_header Content-Security-Policy
                "script-src 'nonce-a\"onload=x'";
            return 200 "<html><body>csp</body></html>";
        }
    }

    server {
        listen 127.0.0.1:%%PORT%%;
        server_name front;
        privacy on;
        privacy_banner on;

        location / {
            proxy_pass http://127.0.0.1:%%BACKEND_PORT%%;
        }

        location /up/ {
            proxy_pass http://127.0.0.1:%%PORT_2%%/;
            proxy_buffer_size 1k;
            proxy_buffers 4 1k;
            proxy_busy_buffers_size 2k;
            proxy_max_temp_file_size 0;
        }

        # small buffers and the rest spilled to a temp file
        location /file/ {
            proxy_pass http://127.0.0.1:%%PORT_2%%/;
            proxy_buffer_size 1k;
            proxy_buffers 2 1k;
            proxy_busy_buffers_size 1k;
            proxy_temp_file_write_size 1k;
        }

        location /unbuffered/ {
            proxy_pass http://127.0.0.1:%%PORT_2%%/;
            proxy_buffering off;
            proxy_buffer_size 1k;
        }

        location /static/ {
            root %%DIR%%/www;
            types { text/html html; text/plain txt; }
            output_buffers 2 1k;
            ssi on;
        }

        location /gzip/ {
            alias %%DIR%%/www/static/;
            types { text/html html; }
            gzip on;
            gzip_min_length 1;
        }

        location /off/ {
            privacy_banner off;
            alias %%DIR%%/www/static/;
            types { text/html html; }
        }

        location /vars {
            return 200 "csp=[$privacy_banner_csp]\n";
        }

        location /integritet/ {
            privacy_portal;
        }
    }

    # a server whose portal has another name
    server {
        listen 127.0.0.1:%%PORT%%;
        server_name other;
        privacy on;
        privacy_banner on;

        location / {
            proxy_pass http://127.0.0.1:%%BACKEND_PORT%%;
        }

        location /outer/ {
            location /outer/privacy {
                privacy_portal;
            }
        }
    }

    # the portal at its usual place (a server without one fails nginx -t)
    server {
        listen 127.0.0.1:%%PORT%%;
        server_name bare;
        privacy on;
        privacy_banner on;

        location / {
            proxy_pass http://127.0.0.1:%%BACKEND_PORT%%;
        }

        location /privacy/ {
            privacy_portal;
        }
    }
EOF

$t->config($CONF);
$t->start;

my ($r, $b);

# --- a new visitor: the banner, right after <body> --------------------------

$r = get('/html', { 'Accept-Language' => 'en' });
is($r->{status}, 200, 'page served');
($b, my $rest) = banner($r->{content});
ok($b, 'banner injected for a new visitor');
is($rest, $SHOP, 'page intact around the banner');
like($r->{content}, qr/^<html><body>\Q$BEGIN\E/, 'right after <body>');
is(() = $r->{content} =~ /\Q$BEGIN\E/g, 1, 'exactly once');
ok(!exists $r->{headers}{'content-length'}, 'no Content-Length');
is($r->{headers}{'transfer-encoding'}, 'chunked', 'chunked instead');
like(vary($r), qr/\bCookie\b/i, 'Vary: Cookie');
like(vary($r), qr/\bAccept-Language\b/i, 'Vary: Accept-Language');
is(() = vary($r) =~ /cookie/gi, 1, 'Vary names Cookie once');

# the first layer: three equal choices, a policy link, nothing ticked
like($b, qr{<section id="ngxp" lang="en" aria-labelledby="ngxp-h">},
    'a labelled region, in the visitor\'s language');
like($b, qr{<form method="post" action="/integritet/consent">},
    'a plain form to the consent endpoint of this server\'s portal');
like($b, qr{<a href="/integritet/policy">Privacy policy</a>}, 'policy link');
my @first = $b =~ m{<(?:button|a) class="ngxp-b"[^>]*>([^<]+)<}g;
is_deeply(\@first, ['Save my choices', 'Accept all', 'Reject all',
    'Settings'], 'accept, reject and settings (and save in the layer)');
like($b, qr{<button class="ngxp-b" type="submit" name="action" value="accept_all">Accept all</button><button class="ngxp-b" type="submit" name="action" value="reject_all">Reject all</button><a class="ngxp-b" id="ngxp-s" href="/integritet/consent\?return=%2Fhtml">Settings</a>},
    'accept, reject and settings side by side, one class');
unlike($b, qr/<input[^>]*\bchecked/, 'nothing pre-ticked');
is(() = $b =~ /type="checkbox"/g, 3, 'three optional categories');
like($b, qr{<strong>Necessary</strong> \(always on\)},
    'necessary shown as always on, without a box');
like($b, qr{<input type="hidden" name="return" value="/html">},
    'returns to the same page');
like($b, qr{<input type="hidden" name="source" value="banner">},
    'recorded as a banner decision');
like($b, qr{<div id="ngxp-p" hidden><fieldset><legend>Cookie categories},
    'settings layer present, closed');
like($b, qr{<label for="ngxp-statistics">Statistics</label><p id="ngxp-statistics-d">Help us understand},
    'categories with their descriptions');
like($b, qr{<nav id="ngxp-l" lang="en" aria-label="Cookie settings" hidden><a href="/integritet/consent\?return=%2Fhtml">Cookie settings</a></nav>},
    'withdrawal link, hidden while the banner shows');
ok($b !~ /[^\x00-\x7f]/, 'markup is ASCII');
ok(length($b) < 6000, 'banner is small (' . length($b) . ' bytes)');
note('banner bytes: ' . length($b));

my ($sv) = banner(get('/html', { 'Accept-Language' => 'sv-SE,en;q=0.5' })
    ->{content});
like($sv, qr{lang="sv".*Godk&auml;nn alla.*Avvisa alla.*Anpassa}s,
    'Swedish by Accept-Language');
like($sv, qr{<strong>N&#xF6;dv&#xE4;ndiga</strong> \(alltid p&aring;\)},
    'category names as character references');
ok($sv !~ /[^\x00-\x7f]/, 'Swedish markup is ASCII too');

# the return path keeps the query, escaped both ways
$r = get('/html?q=a%20b&x="><script>');
like($r->{content}, qr{name="return" value="/html\?q=a%20b&amp;x=&quot;&gt;&lt;script&gt;"},
    'return path HTML-escaped');
like($r->{content}, qr{consent\?return=%2Fhtml%3Fq%3Da%2520b%26x%3D%22%3E%3Cscript%3E"},
    'return path URL-escaped in links');
unlike(banner($r->{content}), qr/<script>[^(]/, 'no injected script');

# the portal of another server, and the default
like(get('/html', {}, 'other')->{content},
    qr{action="/outer/privacy/consent"}, 'nested portal location found');
like(get('/html', {}, 'bare')->{content},
    qr{action="/privacy/consent"}, 'portal at /privacy/');

# --- the decision: plain form, back to the page ----------------------------

$r = $t->post('/integritet/consent', [ action => 'reject_all',
    return => '/html?a=1', source => 'banner' ]);
is($r->{status}, 303, 'reject_all answered 303');
like($r->{headers}{location}, qr{^(?:http://[^/]+)?/html\?a=1$},
    'back to the same page');
my $cookie = consent_cookie($r);
ok($cookie, 'consent cookie set');
unlike(join(' ', set_cookies($r)), qr/_ga=|_fbp=/, 'no tracking cookies');

$r = get('/html', { Cookie => $cookie });
($b, $rest) = banner($r->{content});
is($rest, $SHOP, 'decided: page intact');
unlike($b, qr/<section|<form|<script/, 'decided: no banner');
like($b, qr{<nav id="ngxp-l" lang="sv" aria-label="Cookieinst&auml;llningar"><a href="/integritet/consent\?return=%2Fhtml">},
    'decided: the withdrawal link, visible');
like($b, qr{<style>}, 'decided: styled');
like(vary($r), qr/Cookie/, 'decided: Vary: Cookie');
unlike(join(' ', set_cookies($r)), qr/_ga=|_fbp=/,
    'rejected: tracking cookies still stripped');

$r = $t->post('/integritet/consent', [ action => 'accept_all',
    return => '/html', source => 'banner' ], { Cookie => $cookie });
my $accepted = consent_cookie($r);
$r = get('/html', { Cookie => $accepted });
unlike($r->{content}, qr/<section id="ngxp"/, 'accepted: no banner');
like(join(' ', set_cookies($r)), qr/_ga=.*_fbp=/, 'accepted: cookies set');

# --- where the banner does not go -------------------------------------------

$r = get('/');
is($r->{headers}{'content-type'}, 'text/plain', 'text/plain page');
unlike($r->{content}, qr/ngxp/, 'no banner in text/plain');
ok(defined $r->{headers}{'content-length'}, 'text/plain: Content-Length');

$r = get('/static/plain.txt');
unlike($r->{content}, qr/ngxp/, 'no banner in a static text file');

$r = get('/up/gz');
is($r->{headers}{'content-encoding'}, 'gzip', 'encoded upstream answer');
is($r->{content}, '<html><body>encoded</body></html>',
    'no banner in an encoded response');
is($r->{headers}{'content-length'}, length $r->{content},
    'encoded: Content-Length kept');

$r = get('/up/missing');
is($r->{status}, 404, '404 page');
is($r->{content}, '<html><body>not found</body></html>',
    'no banner on a 404');

$r = get('/up/xhtml');
unlike($r->{content}, qr/ngxp/, 'no banner in application/xhtml+xml');

$r = get('/off/page.html');
unlike($r->{content}, qr/ngxp/, 'no banner where privacy_banner is off');

$r = get('/integritet/consent');
is($r->{status}, 200, 'portal page');
unlike($r->{content}, qr/ngxp/, 'no banner on the portal\'s own pages');

$r = $t->request('HEAD', '/static/page.html');
is($r->{status}, 200, 'HEAD');
ok(!exists $r->{headers}{'content-length'},
    'HEAD: no Content-Length either (as GET)');

$r = get('/up/charset');
like($r->{content}, qr/^<html><body>\Q$BEGIN\E/,
    'text/html with a charset parameter');

# --- static files ------------------------------------------------------------

$r = get('/static/page.html');
($b, $rest) = banner($r->{content});
ok($b, 'static file: banner');
is($rest, split_page(3000), 'static file: page intact');
ok(!exists $r->{headers}{'content-length'}, 'static: no Content-Length');
ok(!exists $r->{headers}{'last-modified'}, 'static: no Last-Modified');
ok(!exists $r->{headers}{'etag'}, 'static: no ETag');
ok(!exists $r->{headers}{'accept-ranges'}, 'static: no Accept-Ranges');

$r = get('/static/page.html', { Range => 'bytes=0-9' });
is($r->{status}, 200, 'a Range request gets the whole page');
ok(banner($r->{content}), 'with the banner');

$r = get('/off/page.html', { Range => 'bytes=0-9' });
is($r->{status}, 206, 'ranges still work where the banner is off');

$r = get('/static/tricky.html');
($b, $rest) = banner($r->{content});
like($r->{content},
    qr{<BODY data-x='a>b' class="real">\Q$BEGIN\E.*\Q$END\E<p>content</p>}s,
    'after the real <body>: not in comments, scripts, styles, titles or '
    . 'attribute values');
is($rest, slurp($t->dir . '/www/static/tricky.html'), 'tricky page intact');

$r = get('/static/nobody.html');
like($r->{content}, qr{</html>\Q$BEGIN\E.*\Q$END\E$}s,
    'no <body>: after </html>');

$r = get('/static/endbody.html');
like($r->{content}, qr{^text only</body>\Q$BEGIN\E.*\Q$END\Etail$}s,
    'no <body> start tag: after </body>');

# issue 15 item 9: a fragment (no <html>, <body> or <!DOCTYPE>) stays as
# it is (t/31-banner-fragments.t tests the rule)
$r = get('/static/fragment.html');
is($r->{content}, '<p>just a fragment', 'no tags at all: a fragment, intact');

$r = get('/static/empty.html');
is($r->{status}, 200, 'empty page');
is($r->{content}, '', 'empty page: nothing added');

$r = get('/static/ssi.html');
is(() = $r->{content} =~ /\Q$BEGIN\E/g, 1, 'SSI: one banner, not per include');
like($r->{content}, qr{\Q$END\E<p>fragment</p></body>}, 'SSI include intact');

# --- split across buffers ------------------------------------------------------

for my $via (qw(up file unbuffered)) {
    my @bad;
    for my $pad (@SPLIT) {
        my $path = "/$via/split/p$pad.html";
        $r = get($path);
        my ($bb, $rr) = banner($r->{content});
        push @bad, $pad unless $bb && $rr eq split_page($pad)
            && $r->{content} =~ /<body class="x"\n>\Q$BEGIN\E/;
    }
    is("@bad", '', "proxied ($via), <body> across buffer edges: "
        . scalar(@SPLIT) . ' pages');
}

{
    my @bad;
    for my $pad (@SPLIT) {
        $r = get("/up/chunked/p$pad.html");
        my ($bb, $rr) = banner($r->{content});
        push @bad, $pad unless $bb && $rr eq split_page($pad);
    }
    is("@bad", '', 'chunked upstream answers');
}

{
    my @bad;
    for my $pad (@SPLIT[0 .. 5]) {
        $t->write_file("www/static/s$pad.html", split_page($pad));
        $r = get("/static/s$pad.html");
        my ($bb, $rr) = banner($r->{content});
        push @bad, $pad unless $bb && $rr eq split_page($pad);
    }
    is("@bad", '', 'static files read in 1k pieces');
}

# --- Content-Length with HTTP/1.0 --------------------------------------------

my $raw = $t->raw_request("GET /static/page.html HTTP/1.0\r\n"
    . "Host: front\r\n\r\n");
my ($head, $body) = split /\r\n\r\n/, $raw, 2;
unlike($head, qr/^Content-Length:/mi, 'HTTP/1.0: no Content-Length');
unlike($head, qr/^Transfer-Encoding:/mi, 'HTTP/1.0: not chunked');
my ($bb, $rr) = banner($body);
is($rr, split_page(3000), 'HTTP/1.0: whole page until close');

# --- gzip after injection -----------------------------------------------------

$r = get('/gzip/page.html', { 'Accept-Encoding' => 'gzip' });
is($r->{headers}{'content-encoding'}, 'gzip', 'nginx gzips the page');
my $plain;
gunzip(\$r->{content}, \$plain) or diag($GunzipError);
($bb, $rr) = banner($plain // '');
ok($bb, 'banner inside the gzip\'d page');
is($rr, split_page(3000), 'gzip\'d page intact');

# --- Content-Security-Policy --------------------------------------------------

($b) = banner(get('/html')->{content});
my ($css) = $b =~ m{<style>(.*?)</style>}s;
my ($js) = $b =~ m{<script>(.*?)</script>}s;
my $hashes = "'sha256-" . pad64(sha256_base64($css)) . "' 'sha256-"
    . pad64(sha256_base64($js)) . "'";
is(get('/vars')->{content}, "csp=[$hashes]\n",
    '$privacy_banner_csp: the hashes of the style and script');

my $doc = slurp("$PrivacyTest::REPO/docs/banner.md");
ok(index($doc, $hashes) >= 0, 'docs/banner.md shows the current hashes')
    or diag("expected $hashes in docs/banner.md");
# the documented size: a page at /html, the portal at /privacy/
for my $lang (qw(sv en)) {
    my ($std) = banner(get('/html', { 'Accept-Language' => $lang }, 'bare')
        ->{content});
    ok(index($doc, length($std) . ' bytes') >= 0,
        "docs/banner.md states the size of the $lang banner")
        or diag(length($std) . ' bytes');
}

$r = get('/up/csp');
like($r->{content}, qr{<style nonce="Abc123\+/=">}, 'style takes the nonce');
like($r->{content}, qr{<script nonce="Abc123\+/=">}, 'script takes the nonce');

$r = get('/up/csp-evil');
like($r->{content}, qr{<style>}, 'a nonce with odd characters is not used');
unlike($r->{content}, qr/onload/, 'nothing of it reaches the markup');

# --- re-consent: a new policy version brings the banner back -----------------

$r = get('/html', { Cookie => $accepted });
unlike($r->{content}, qr/<section id="ngxp"/, 'v1 decision: no banner');

(my $conf2 = $CONF) =~ s/privacy_policy_version "v1"/privacy_policy_version "v2"/;
$t->config($conf2);
ok($t->reload, 'reload with privacy_policy_version v2') or diag($t->reload_error);

$r = get('/html', { Cookie => $accepted });
like($r->{content}, qr/<section id="ngxp"/, 'v2: the banner is back');
unlike(join(' ', set_cookies($r)), qr/_ga=|_fbp=/,
    'v2: tracking cookies stripped again');

$r = $t->post('/integritet/consent', [ action => 'accept_all',
    return => '/html', source => 'banner' ], { Cookie => $accepted });
$r = get('/html', { Cookie => consent_cookie($r) });
unlike($r->{content}, qr/<section id="ngxp"/, 'decided under v2: gone');

done_testing;

# the helpers below hold $t: release it now, not in global destruction
undef $t;

# --- helpers -------------------------------------------------------------------

sub get { Banner::page($t, @_) }

sub banner { Banner::banner(@_) }

sub vary {
    my ($r) = @_;
    my $v = $r->{headers}{vary} // '';
    return ref $v ? join(', ', @$v) : $v;
}

sub consent_cookie {
    my ($r) = @_;
    my $c = set_cookie_map($r)->{privacy_consent} or return;
    $c =~ /^([^;]+)/;
    return $1;
}

sub split_page {
    my ($pad) = @_;
    return '<!DOCTYPE html><html><head><title>split</title><!-- '
        . ('x' x $pad) . " --></head>\n<body class=\"x\"\n><h1>page $pad</h1>"
        . ('<p>filler text</p>' x 200) . "</body></html>\n";
}

sub pad64 {
    my ($s) = @_;
    return $s . '=' x ((4 - length($s) % 4) % 4);
}

sub slurp {
    open my $fh, '<', $_[0] or return '';
    local $/;
    return scalar <$fh>;
}
