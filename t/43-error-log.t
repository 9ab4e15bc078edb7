#!/usr/bin/perl

# privacy_error_log_scrub: the context nginx adds to a request's error log
# lines (client, request, upstream, referrer) written without the client's
# address and without the query as typed (docs/operator-guide.md, "Access
# logs"), per server, on a connection whose requests go to both kinds.

use strict;
use warnings;

use FindBin;
use lib "$FindBin::Bin/lib";

use Test::More;
use PrivacyTest;

my $t = PrivacyTest->new(error_log_level => 'notice');
$t->make_dir('www/files');

$t->config(<<'EOF');
    privacy_secret_file %%SECRET%%;
    privacy_error_log_scrub on;

    server {
        listen 127.0.0.1:%%PORT%%;
        server_name shop.test;
        privacy on;

        location /files/ { root %%DIR%%/www; }
        # nothing listens there: "connect() failed ... upstream: ..."
        location /app/ { proxy_pass http://127.0.0.1:%%PORT_3%%; }
    }

    server {
        listen 127.0.0.1:%%PORT%%;
        server_name other.test;
        privacy_error_log_scrub off;

        location /files/ { root %%DIR%%/www; }
    }

    server {
        listen 127.0.0.1:%%PORT_2%%;
        privacy_error_log_scrub off;
        location /files/ { root %%DIR%%/www; }
    }
EOF
$t->start;

my $TARGET = '/anna.s%40example.se?q=Anna+Svensson+19811218-9876&ref=070-1234567';
my %H = (Referer => 'http://elsewhere.example/?who=anna.s%40example.se');

sub lines_since {
    my ($from, $re) = @_;
    return grep { /$re/ } split /\n/, substr($t->error_log, $from);
}

# --- on: a missing file, an unreachable upstream ---------------------------

my $from = length $t->error_log;
is($t->get("/files$TARGET", \%H)->{status}, 404, 'a missing file');
my ($line) = lines_since($from, qr/\[error\].*open\(\)/);
ok($line, 'on: the error is logged') or diag($t->error_log);
$line //= '';
like($line, qr/, client: [0-9a-f]{32}, server: shop\.test, /,
    'on: the client as $privacy_client, a keyed hash');
like($line, qr/, request: "GET \/files\/\[email\]\?q=anna\+svensson\+\[personnummer\]&ref=\[phone\] HTTP\/1\.1"/,
    'on: the request line scrubbed as $privacy_request_line');
like($line, qr/, host: "127\.0\.0\.1"/, 'on: the host');
unlike($line, qr/client: 127\.0\.0\.1|referrer|elsewhere/,
    'on: no address, no referrer');

# (the message itself, open() "/.../anna.s@example.se" failed, is
# nginx's: "log_not_found off" keeps it out, docs/operator-guide.md)
$from = length $t->error_log;
is($t->get("/app$TARGET", \%H)->{status}, 502, 'an unreachable upstream');
($line) = lines_since($from, qr/\[error\].*connect\(\) failed/);
ok($line, 'on: the upstream error is logged') or diag($t->error_log);
$line //= '';
my $up = $t->port(3);
like($line, qr/, upstream: "127\.0\.0\.1:$up", host: /,
    'on: the upstream as its address, without the URI');
like($line, qr/, request: "GET \/app\/\[email\]\?q=anna\+svensson\+\[personnummer\]&ref=\[phone\] HTTP\/1\.1"/,
    'on: the proxied request scrubbed');
unlike($line, qr/Anna|Svensson|anna\.s|19811218|1234567|%40|client: 127/,
    'on: nothing of the query as typed');

# --- off: nginx's own context ------------------------------------------------

$from = length $t->error_log;
$t->get("http://127.0.0.1:" . $t->port(2) . "/files$TARGET", \%H);
($line) = lines_since($from, qr/\[error\].*open\(\)/);
like($line // '', qr/, client: 127\.0\.0\.1, .*request: "GET \/files\/anna\.s%40example\.se\?q=Anna/,
    'off: nginx writes the address and the request as typed');

# --- one connection, two servers -------------------------------------------

$from = length $t->error_log;
my $res = $t->raw_request(
    "GET /files/a%40b.se?x=1 HTTP/1.1\r\nHost: shop.test\r\n\r\n"
    . "GET /files/c%40d.se?y=2 HTTP/1.1\r\nHost: other.test\r\n\r\n"
    . "GET /files/e%40f.se?z=3 HTTP/1.1\r\nHost: shop.test\r\n"
    . "Connection: close\r\n\r\n");
is(() = $res =~ /^HTTP\/1\.1 404/mg, 3, 'three requests on one connection');
my @lines = lines_since($from, qr/\[error\].*open\(\)/);
is(scalar @lines, 3, 'three errors');
like($lines[0] // '', qr/client: [0-9a-f]{32}, server: shop\.test, request: "GET \/files\/\[email\]\?x=1 /,
    'keep-alive: the first, scrubbed');
like($lines[1] // '', qr/client: 127\.0\.0\.1, server: other\.test, request: "GET \/files\/c%40d\.se\?y=2 /,
    'keep-alive: the second, in a server that is off, as nginx writes it');
like($lines[2] // '', qr/client: [0-9a-f]{32}, server: shop\.test, request: "GET \/files\/\[email\]\?z=3 /,
    'keep-alive: the third, scrubbed again');

# --- the directive -----------------------------------------------------------

my $c = PrivacyTest->new;
$c->config(<<'EOF');
    server {
        listen 127.0.0.1:%%PORT%%;
        location / { privacy_error_log_scrub on; }
    }
EOF
my ($good, $out) = $c->test_config;
ok(!$good, 'nginx -t: not in a location');
like($out, qr/"privacy_error_log_scrub" directive is not allowed here/,
    'nginx -t: says so');

done_testing;
