#!/usr/bin/perl

# Where the banner must not go (docs/banner.md, "Where the banner goes"):
#   issue #24 item 2: "privacy off" turns the banner off too, even when
#     "privacy_banner on" is inherited;
#   issue #15 item 9: pages in a charset that is not ASCII-compatible
#     (by the Content-Type label or a UTF-16 byte order mark), after
#     <plaintext>, fragments without <html>/<body>/<!DOCTYPE>, and
#     requests for fragments (HX-Request: true, Turbo-Frame);
#   issue #16 item 4: privacy_banner_types.

use strict;
use warnings;

use FindBin;
use lib "$FindBin::Bin/lib";

use Test::More;
use PrivacyTest;
use Banner;

my $t = PrivacyTest->new;

my $BEGIN = $Banner::BEGIN;
my $PAGE = '<html><body>x</body></html>';

# UTF-16LE after its byte order mark: to a browser these are CJK
# characters, though the bytes spell "<html><body>" in ASCII
$t->write_file('www/utf16.html', "\xff\xfe<html><body>x</body></html>.");
$t->write_file('www/utf8bom.html', "\xef\xbb\xbf$PAGE");

$t->config(<<'EOF');
    privacy_secret_file %%SECRET%%;
    privacy_db %%DB%%;
    privacy_policy_version "v1";
    privacy_cookie statistics '^_ga$';
    privacy_cookie marketing '^_fbp$';
    privacy_cookie necessary '^session$';

    %%BACKEND%%

    server {
        listen 127.0.0.1:%%PORT_2%%;
        privacy off;
        root %%DIR%%/www;
        types { text/html html; }

        location = /page {
            default_type text/html;
            return 200 "<html><body>x</body></html>";
        }

        location = /utf16-label {
            default_type "text/html; charset=utf-16";
            return 200 "<html><body>x</body></html>";
        }

        location = /utf16le-quoted {
            default_type "text/html; charset=\"UTF-16LE\"";
            return 200 "<html><body>x</body></html>";
        }

        location = /utf8-label {
            default_type "text/html; charset=UTF-8";
            return 200 "<html><body>x</body></html>";
        }

        location = /latin1-label {
            default_type "text/html; charset=iso-8859-1";
            return 200 "<html><body>x</body></html>";
        }

        location = /plaintext {
            default_type text/html;
            return 200 "<html><head><plaintext><body>x</body></html>";
        }

        location = /plaintext-late {
            default_type text/html;
            return 200 "<html><body><plaintext>x";
        }

        location = /partial {
            default_type text/html;
            return 200 "<div id=\"cart\"><p>2 items</p></div>";
        }

        location = /doctype-only {
            default_type text/html;
            return 200 "<!DOCTYPE html><title>t</title><p>x";
        }

        location = /xhtml {
            default_type application/xhtml+xml;
            return 200 "<html><body>x</body></html>";
        }
    }

    # http level: on for every server below unless turned off
    privacy_banner on;

    server {
        listen 127.0.0.1:%%PORT%%;
        server_name front;
        privacy on;

        location / {
            proxy_pass http://127.0.0.1:%%PORT_2%%;
        }

        location /api/ {
            privacy off;
            proxy_pass http://127.0.0.1:%%BACKEND_PORT%%/;
        }

        location /shop/ {
            proxy_pass http://127.0.0.1:%%BACKEND_PORT%%/;
        }

        location /xhtml-too/ {
            privacy_banner_types application/xhtml+xml;
            proxy_pass http://127.0.0.1:%%PORT_2%%/;
        }

        location /privacy/ {
            privacy_portal;
        }
    }

    # "privacy" never turned on: the default is off, for the banner too
    server {
        listen 127.0.0.1:%%PORT%%;
        server_name never;

        location / {
            proxy_pass http://127.0.0.1:%%PORT_2%%;
        }
    }
EOF
$t->start;

my $r;

# --- privacy off --------------------------------------------------------------

$r = get('/shop/html');
ok(has_banner($r), 'privacy on: the banner');

$r = get('/api/html');
is($r->{content}, '<html><body><h1>shop</h1></body></html>',
    'privacy off with privacy_banner on inherited: no banner');
like(join(' ', set_cookies($r)), qr/_ga=/,
    'privacy off: the location is left alone (its _ga passes)');

$r = get('/page', {}, 'never');
is($r->{content}, $PAGE, 'privacy never turned on: no banner');

# --- charsets -----------------------------------------------------------------

ok(has_banner(get('/page')), 'no charset: the banner');
ok(has_banner(get('/utf8-label')), 'charset=UTF-8: the banner');
ok(has_banner(get('/latin1-label')), 'charset=iso-8859-1: the banner');
ok(has_banner(get('/utf8bom.html')), 'UTF-8 byte order mark: the banner');

$r = get('/utf16-label');
like($r->{headers}{'content-type'}, qr/utf-16/, 'labelled utf-16');
is($r->{content}, $PAGE, 'charset=utf-16: no banner');

is(get('/utf16le-quoted')->{content}, $PAGE,
    'charset="UTF-16LE": no banner');

$r = get('/utf16.html');
is($r->{content}, "\xff\xfe<html><body>x</body></html>.",
    'UTF-16 byte order mark: page intact, no banner');

# --- <plaintext> ----------------------------------------------------------------

is(get('/plaintext')->{content},
    '<html><head><plaintext><body>x</body></html>',
    'after <plaintext>: no banner');
like(get('/plaintext-late')->{content},
    qr/^<html><body>\Q$BEGIN\E.*<plaintext>x$/s,
    '<plaintext> after <body>: the banner before it');

# --- fragments -----------------------------------------------------------------

is(get('/partial')->{content}, '<div id="cart"><p>2 items</p></div>',
    'a fragment without <html> or <body>: left as it is');
like(get('/doctype-only')->{content}, qr/<p>x\Q$BEGIN\E/,
    'a document with only <!DOCTYPE>: at the end');

is(get('/page', { 'HX-Request' => 'true' })->{content}, $PAGE,
    'HX-Request: true: no banner');
ok(has_banner(get('/page', { 'HX-Request' => 'false' })),
    'HX-Request: false: the banner');
is(get('/page', { 'Turbo-Frame' => 'cart' })->{content}, $PAGE,
    'Turbo-Frame: no banner');

# --- privacy_banner_types -------------------------------------------------------

is(get('/xhtml')->{content}, $PAGE, 'application/xhtml+xml: not by default');
ok(has_banner(get('/xhtml-too/xhtml')),
    'privacy_banner_types application/xhtml+xml: the banner');
ok(has_banner(get('/xhtml-too/page')),
    'privacy_banner_types: text/html still');

done_testing;

undef $t;

sub get { Banner::page($t, @_) }

sub has_banner { Banner::has_banner(@_) }
