#!/usr/bin/perl

# Issue 15.10: the consent POST's CSRF defences.  Origin (or Referer) must
# name the same scheme, host and port as the request; a POST with neither
# needs the form token of the consent page, which is bound to the client
# and to the site.

use strict;
use warnings;

use FindBin;
use lib "$FindBin::Bin/lib";

use Test::More;
use PrivacyTest;

my $t = PrivacyTest->new;

$t->config(<<'EOF');
    privacy_secret_file %%SECRET%%;

    server {
        listen 127.0.0.1:%%PORT%%;
        server_name shop-c;
        privacy on;
        location /privacy/ { privacy_portal; }
    }

    server {
        listen 127.0.0.1:%%PORT%%;
        server_name shop-d;
        privacy on;
        location /privacy/ { privacy_portal; }
    }
EOF
$t->start;

my $port = $t->port;
my $UA = 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 '
    . 'Firefox/128.0';

sub post {
    my ($headers, $body, $host) = @_;
    my %h = ('Content-Type' => 'application/x-www-form-urlencoded',
             'User-Agent' => $UA, %$headers);
    return $t->request('POST', '/privacy/consent', {
        (defined $host ? (host => $host) : ()),
        headers => \%h, content => $body // 'action=reject_all' })->{status};
}

# --- scheme, host and port ------------------------------------------------------

for my $case (
    [ { Origin => "http://127.0.0.1:$port" },   303, 'the same origin' ],
    [ { Origin => "https://127.0.0.1:$port" },  403, 'another scheme' ],
    [ { Origin => "ftp://127.0.0.1:$port" },    403, 'ftp' ],
    [ { Origin => "http://127.0.0.1:1" },       403, 'another port' ],
    [ { Origin => "http://127.0.0.1" },         403, 'no port: 80, not ours' ],
    [ { Origin => "http://127.0.0.1:$port:1" }, 403, 'a port that is not one' ],
    [ { Origin => "http://127.0.0.1:" },        403, 'an empty port' ],
    [ { Referer => "https://127.0.0.1:$port/shop" }, 403,
      'a Referer of another scheme' ],
    [ { Referer => "http://127.0.0.1:$port/shop" }, 303,
      'a Referer of the same origin' ],
) {
    my ($h, $want, $name) = @$case;
    is(post($h), $want, "Origin check: $name");
}

# the scheme's default port equals no port
is(post({ Origin => 'http://shop-c:80' }, undef, 'shop-c'), 303,
    'Origin http://shop-c:80 for Host shop-c');
is(post({ Origin => 'http://shop-c' }, undef, 'shop-c'), 303,
    'Origin http://shop-c for Host shop-c');
is(post({ Origin => 'http://shop-c:8080' }, undef, 'shop-c'), 403,
    'Origin http://shop-c:8080 for Host shop-c');
is(post({ Origin => 'http://shop-d' }, undef, 'shop-c'), 403,
    'Origin of the other server');

# --- neither Origin nor Referer: the form token ----------------------------------

my $none = { Origin => undef };

is(post($none), 403, 'no Origin, no Referer, no token: refused');
is(post($none, 'action=reject_all&token=AAAAAAAAAAAAAAAAAAAAAA'), 403,
    'a made-up token: refused');

my $page = $t->request('GET', '/privacy/consent',
    { headers => { 'User-Agent' => $UA } })->{content};
my @tokens = $page =~ /<input type="hidden" name="token" value="([\w-]+)">/g;
is(scalar @tokens, 2, 'both forms of the consent page carry the token');
my $token = $tokens[0] // '';
is(length $token, 22, 'a token of 22 characters');

is(post($none, "action=reject_all&token=$token"), 303,
    'the page\'s token: accepted');
is(post({ Origin => undef, 'User-Agent' => 'curl/8' },
        "action=reject_all&token=$token"), 403,
    'the token of another client (User-Agent): refused');
is(post($none, 'action=reject_all&token=' . substr($token, 0, 21)), 403,
    'a truncated token: refused');

# the token is the site's: shop-c's is not shop-d's
{
    my $c_page = $t->request('GET', '/privacy/consent', { host => 'shop-c',
        headers => { 'User-Agent' => $UA } })->{content};
    my ($c_token) = $c_page =~ /name="token" value="([\w-]+)"/;
    is(post($none, "action=reject_all&token=$c_token", 'shop-c'), 303,
        'shop-c\'s token on shop-c');
    is(post($none, "action=reject_all&token=$c_token", 'shop-d'), 403,
        'shop-c\'s token on shop-d: refused');
}

like($t->error_log,
    qr/consent without Origin, Referer or a valid form token refused/,
    'the refusal is logged');

done_testing;
undef $t;
