#!/usr/bin/perl

# Issue #24 item 1: the banner behind a compressing backend.  A browser
# sends "Accept-Encoding: gzip, br"; a backend that compresses whenever it
# may would answer gzip, and gzip'd bytes cannot be edited.  For a request
# that may get the banner the upstream is asked for "identity", while
# nginx's own gzip filter still sees the browser's value and compresses
# the page, banner included.  When an encoded page reaches the banner
# anyway (here: an operator's proxy_set_header), one warning per location.

use strict;
use warnings;

use FindBin;
use lib "$FindBin::Bin/lib";

use IO::Uncompress::Gunzip qw(gunzip $GunzipError);
use Test::More;
use PrivacyTest;
use Banner;

my $t = PrivacyTest->new;

my $BEGIN = $Banner::BEGIN;
my $PAGE = '<!DOCTYPE html><html><head><title>shop</title></head>'
    . '<body><h1>shop</h1>' . ('<p>products and prices</p>' x 50)
    . '</body></html>';

$t->write_file('www/page.html', $PAGE);

# what a browser sends for a page, and for an image
my %BROWSER = (
    'Accept' => 'text/html,application/xhtml+xml,application/xml;q=0.9,'
        . 'image/avif,image/webp,*/*;q=0.8',
    'Accept-Encoding' => 'gzip, deflate, br',
    'User-Agent' => 'Mozilla/5.0 (X11; Linux x86_64) Chrome/120.0',
);
my %IMAGE = (%BROWSER, 'Accept' => 'image/avif,image/webp,*/*;q=0.8');

$t->config(<<'EOF');
    privacy_secret_file %%SECRET%%;
    privacy_db %%DB%%;
    privacy_policy_version "v1";
    privacy_cookie statistics '^_ga$';

    # the backend: compresses whatever it may, and tells what it was asked
    server {
        listen 127.0.0.1:%%PORT_2%%;
        privacy off;
        root %%DIR%%/www;
        types { text/html html; }

        gzip on;
        gzip_min_length 0;
        gzip_types text/html;
        gzip_http_version 1.0;      # nginx's proxy speaks HTTP/1.0
        add_header X-Asked-Encoding "[$http_accept_encoding]" always;
    }

    server {
        listen 127.0.0.1:%%PORT%%;
        server_name front;
        privacy on;
        privacy_banner on;

        # as in the README's quick start: nginx compresses towards the
        # browser
        location / {
            gzip on;
            gzip_types text/html;
            proxy_pass http://127.0.0.1:%%PORT_2%%;
        }

        # without nginx's gzip: the page goes out as it is
        location /plain/ {
            proxy_pass http://127.0.0.1:%%PORT_2%%/;
        }

        location /nobanner/ {
            privacy_banner off;
            proxy_pass http://127.0.0.1:%%PORT_2%%/;
        }

        # an operator's choice the module cannot undo
        location /forced/ {
            proxy_set_header Accept-Encoding "gzip";
            proxy_pass http://127.0.0.1:%%PORT_2%%/;
        }

        location /forced2/ {
            proxy_set_header Accept-Encoding "gzip";
            proxy_pass http://127.0.0.1:%%PORT_2%%/;
        }

        location /privacy/ {
            privacy_portal;
        }
    }
EOF
$t->start;

my $r;

# --- the backend compresses for a browser -------------------------------------

$r = get('/page.html', \%BROWSER, $t->port(2));
is($r->{headers}{'content-encoding'}, 'gzip',
    'the backend gzips for a browser');

# --- a browser's page view: the banner, compressed by nginx -----------------

$r = get('/page.html', \%BROWSER);
is($r->{status}, 200, 'page through a gzip-ing backend');
is($r->{headers}{'x-asked-encoding'}, '[identity]',
    'the upstream was asked for identity');
is($r->{headers}{'content-encoding'}, 'gzip',
    'nginx still gzips towards the browser');
my $html = gunzipped($r);
like($html, qr/^\Q<!DOCTYPE html><html><head><title>shop<\/title><\/head><body>$BEGIN\E/,
    'the banner, right after <body>');
like($html, qr/Accept all|Godk&auml;nn alla/, 'the whole banner');
like($html, qr{\Q</body></html>\E$}, 'the page intact to its end');

# a HEAD of a page is asked for identity too (same headers as a GET)
$r = $t->request('HEAD', '/page.html', { headers => \%BROWSER });
is($r->{headers}{'x-asked-encoding'}, '[identity]', 'HEAD: identity too');

# without nginx's gzip the browser gets the page as is, with the banner
$r = get('/plain/page.html', \%BROWSER);
is($r->{headers}{'x-asked-encoding'}, '[identity]',
    'no gzip in nginx: identity asked');
ok(!$r->{headers}{'content-encoding'}, 'no gzip in nginx: plain page');
like($r->{content}, qr/<body>\Q$BEGIN\E/, 'no gzip in nginx: the banner');

# a visitor who decided gets the settings link, so the same holds
my $cookie = consent_cookie();
$r = get('/page.html', { %BROWSER, Cookie => $cookie });
is($r->{headers}{'x-asked-encoding'}, '[identity]',
    'decided visitor: identity asked');
like(gunzipped($r), qr/<body>\Q$BEGIN\E<style>.*<nav id="ngxp-l"/s,
    'decided visitor: the settings link');

# --- requests that get no banner keep what the browser asked -------------------

$r = get('/page.html', \%IMAGE);
is($r->{headers}{'x-asked-encoding'}, '[gzip, deflate, br]',
    'a subresource (Accept without html): the browser\'s Accept-Encoding');

$r = $t->request('POST', '/page.html', { headers => \%BROWSER });
is($r->{headers}{'x-asked-encoding'}, '[gzip, deflate, br]',
    'POST: the browser\'s Accept-Encoding');

$r = get('/nobanner/page.html', \%BROWSER);
is($r->{headers}{'x-asked-encoding'}, '[gzip, deflate, br]',
    'privacy_banner off: the browser\'s Accept-Encoding');
is($r->{headers}{'content-encoding'}, 'gzip',
    'privacy_banner off: the backend\'s gzip passes');

$r = get('/page.html', { %BROWSER, 'HX-Request' => 'true' });
is($r->{headers}{'x-asked-encoding'}, '[gzip, deflate, br]',
    'a fragment request: the browser\'s Accept-Encoding');

# --- an encoded page reaches the banner anyway: one warning per location -----

$r = get('/forced/page.html', \%BROWSER);
is($r->{headers}{'content-encoding'}, 'gzip', 'forced: gzip from upstream');
is(gunzipped($r), $PAGE, 'forced: page intact, no banner');
get('/forced/page.html', \%BROWSER);
get('/forced/page.html', \%BROWSER);
get('/forced2/page.html', \%BROWSER);

my @warn = grep {
    /\[warn\].*privacy banner: not injected into a "gzip" encoded page/
} split /\n/, $t->error_log;
is(scalar @warn, 2, 'one warning per location') or diag(join "\n", @warn);
like($warn[0] // '', qr{request: "GET /forced/page\.html},
    'the warning names the request');

done_testing;

undef $t;

sub get {
    my ($path, $headers, $port) = @_;
    return $t->request('GET', $path, { headers => $headers || {},
        $port ? (port => $port) : () });
}

sub gunzipped {
    my ($r) = @_;
    return $r->{content}
        unless ($r->{headers}{'content-encoding'} // '') eq 'gzip';
    my $plain;
    gunzip(\$r->{content}, \$plain) or diag($GunzipError);
    return $plain // '';
}

sub consent_cookie {
    my $r = $t->post('/privacy/consent',
        { action => 'reject_all', return => '/' },
        { Origin => 'http://127.0.0.1:' . $t->port });
    my $sc = $r->{headers}{'set-cookie'} // '';
    for my $c (ref $sc ? @$sc : ($sc)) {
        return $1 if $c =~ /^(privacy_consent=[^;]+)/;
    }
    diag("no consent cookie: $r->{status}");
    return '';
}
