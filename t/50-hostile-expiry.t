#!/usr/bin/perl

# Issue #15, items 1-3: the expiring Set-Cookies a withdrawal sends are
# bounded (a hostile request cannot make the response explode: parent
# domains only for a host the server serves, at most privacy_expire_limit
# per response, the rest later); a Set-Cookie is taken for a deletion only
# when a browser would (RFC 6265 5.2.2, 5.1.1); and path-scoped trackers
# are expired where they live.

use strict;
use warnings;

use FindBin;
use lib "$FindBin::Bin/lib";

use Test::More;
use PrivacyTest;

my $t = PrivacyTest->new;

my $TAIL = 'Expires=Thu, 01 Jan 1970 00:00:01 GMT';

$t->config(<<'EOF');
    privacy_secret_file %%SECRET%%;
    privacy_cookie statistics '^_ga';
    privacy_cookie marketing '^_trk';
    privacy_cookie necessary '^session$';

    # an upstream whose Set-Cookies the module judges
    server {
        listen 127.0.0.1:%%PORT_2%%;
        privacy off;

        location = /bad-deletions {
            add_header Set-Cookie "_ga_a=1; Max-Age=-";
            add_header Set-Cookie "_ga_b=1; Max-Age=-abc";
            add_header Set-Cookie "_ga_c=1; Max-Age=1e3";
            add_header Set-Cookie "_ga_d=1; Max-Age=0; Max-Age=3600";
            add_header Set-Cookie "_ga_e=1; Expires=yesterday";
            add_header Set-Cookie "_ga_f=1; Max-Age=5; Expires=Thu, 01 Jan 1970 00:00:00 GMT";
            add_header Set-Cookie "_ga_ok1=; Max-Age=0";
            add_header Set-Cookie "_ga_ok2=; Max-Age=-1";
            add_header Set-Cookie "_ga_ok3=; Expires=Thursday, 01-Jan-70 00:00:00 GMT";
            add_header Set-Cookie "_ga_ok4=; Max-Age=1e3; Expires=Thu, 01 Jan 1970 00:00:00 GMT";
            return 200 "bad deletions\n";
        }

        location /shop/ {
            add_header Set-Cookie "_trk_shop=1; Path=/shop; Max-Age=600";
            return 200 "shop\n";
        }

        location /blog/ {
            add_header Set-Cookie "_trk_blog=1; Max-Age=600";
            return 200 "blog\n";
        }

        # the same name without Path, under a path the client chooses
        location /any/ {
            add_header Set-Cookie "_trk_shop=2; Max-Age=600";
            return 200 "any\n";
        }
    }

    # the shop: served under its names, also the default server
    server {
        listen 127.0.0.1:%%PORT%% default_server;
        server_name shop.example.se .example.org ~^re\d+\.example\.net$;
        privacy on;

        location / {
            return 200 "page\n";
        }

        location /up/ {
            proxy_pass http://127.0.0.1:%%PORT_2%%/;
        }

        location /shop/ {
            proxy_pass http://127.0.0.1:%%PORT_2%%;
        }

        location /blog/ {
            proxy_pass http://127.0.0.1:%%PORT_2%%;
        }

        location /any/ {
            proxy_pass http://127.0.0.1:%%PORT_2%%;
        }

        location /small/ {
            privacy_expire_limit 4;
            return 200 "small\n";
        }
    }

    # a second name-based server on the same address
    server {
        listen 127.0.0.1:%%PORT%%;
        server_name other.example.se;
        privacy on;
        location / { return 200 "other\n"; }
    }

    # an address with one server: its first name is all it serves
    server {
        listen 127.0.0.1:%%PORT_3%%;
        server_name solo.example.se;
        privacy on;
        location / { return 200 "solo\n"; }
    }
EOF

$t->start;

# --- item 1: bounded expiries -------------------------------------------------

# the instance is passed in: a named sub closing over $t would keep it
# alive into global destruction
sub raw {
    my ($tt, $host, $path, $cookie, %o) = @_;
    my $res = $tt->raw_request("GET $path HTTP/1.1\r\nHost: $host\r\n"
        . (defined $cookie ? "Cookie: $cookie\r\n" : '')
        . "Connection: close\r\n\r\n", timeout => 30, %o);
    my ($head, $body) = split /\r\n\r\n/, $res, 2;
    my @sc = $head =~ /^Set-Cookie: ([^\r\n]*)/mgi;
    my ($status) = $head =~ m{^HTTP/1\.\d (\d+)};
    return { head => $head, body => $body, sc => \@sc, status => $status // 0 };
}

{
    # an 8 KB request: hundreds of tracking names and a Host of many
    # labels under a name the server serves (.example.org)
    my $host = join('.', map { "l$_" } 1 .. 40) . '.example.org';
    my @c;
    my $i = 0;
    push @c, '_ga_' . ++$i . '=1' while length(join '; ', @c) < 7 * 1024;
    my $cookie = join '; ', @c;
    my $req = length($cookie) + length($host);
    ok($req > 7 * 1024, "request of " . ($req >> 10) . " KB: $i names, "
        . "a Host of 42 labels");

    my $r = raw($t, $host, '/', $cookie);
    is($r->{status}, 200, 'amplification attempt: 200');
    my $size = length $r->{head};
    ok($size < 6 * 1024, "response headers stay small ($size bytes)");
    my $n = scalar @{ $r->{sc} };
    ok($n > 0 && $n <= 32,
        "$n expiries: at most privacy_expire_limit (32 by default) and 4 KB");
    is_deeply([grep { !/^_ga_\d+=; Max-Age=0; Path=\/; \Q$TAIL\E/ } @{ $r->{sc} }],
        [], 'each one an expiry at "/"');
    like($t->error_log, qr/\[info\].*privacy_expire_limit reached after $n expiries, \d+ denied cookie names left/,
        'the limit is logged at info');

    # one name: the host and its parents down to the registrable domain
    $r = raw($t, $host, '/', '_ga=1');
    my @dom = map { /Domain=([^;]+)/ ? $1 : '' } @{ $r->{sc} };
    is($dom[0], '', 'host-only first');
    is($dom[1], $host, 'then the host itself');
    ok(@dom < 42, 'a 42-label host is cut at the limit too ('
        . scalar(@dom) . ' expiries)');
}

{
    # served names: exact, ".name" and regex; a foreign Host is host-only
    my %cases = (
        'shop.example.se'    => ['', 'shop.example.se', 'example.se'],
        'www.example.org'    => ['', 'www.example.org', 'example.org'],
        're12.example.net'   => ['', 're12.example.net', 'example.net'],
        'evil.example.se'    => [''],
        'a.b.c.attacker.com' => [''],
        're1x.example.net'   => [''],
    );
    for my $host (sort keys %cases) {
        my $r = raw($t, $host, '/', '_ga=1');
        is_deeply([map { /Domain=([^;]+)/ ? $1 : '' } @{ $r->{sc} }],
            $cases{$host}, "Host $host: " . join(',', map { $_ || 'host-only' } @{ $cases{$host} }));
    }

    # the other name-based server serves its own name only
    my $r = raw($t, 'other.example.se', '/', '_ga=1');
    is_deeply([map { /Domain=([^;]+)/ ? $1 : '' } @{ $r->{sc} }],
        ['', 'other.example.se', 'example.se'], 'second server, its name');

    # one server on an address: its name, nothing else
    $r = raw($t, 'solo.example.se', '/', '_ga=1', port => $t->port(3));
    is(scalar @{ $r->{sc} }, 3, 'a lone server: its own name gets domains');
    $r = raw($t, 'x.y.z.solo.example.se', '/', '_ga=1', port => $t->port(3));
    is(scalar @{ $r->{sc} }, 1, 'a lone server: another name, host-only');
}

{
    # privacy_expire_limit: the rest go out with the next responses
    my @names = map { "_ga_n$_" } 1 .. 10;
    my $r = raw($t, 'shop.example.se', '/small/x', join('; ', map { "$_=1" } @names));
    my @got = map { /^([^=]+)=/ } @{ $r->{sc} };
    is(scalar @got, 4, 'privacy_expire_limit 4: four expiries');
    # the browser dropped what was expired: it presents the rest
    my %gone = map { $_ => 1 } @got;
    my @left = grep { !$gone{$_} } @names;
    $r = raw($t, 'shop.example.se', '/small/x', join('; ', map { "$_=1" } @left));
    my @next = map { /^([^=]+)=/ } @{ $r->{sc} };
    is(scalar @next, 4, 'the next response four more');
    ok(!(grep { $gone{$_} } @next), 'other names than the first time');
}

# --- item 2: deletions as a browser reads them -------------------------------

{
    my $r = raw($t, 'shop.example.se', '/up/bad-deletions');
    my @names = map { /^([^=]+)=/ } @{ $r->{sc} };
    is_deeply(\@names, [qw(_ga_ok1 _ga_ok2 _ga_ok3 _ga_ok4)],
        'only real deletions pass: Max-Age=-, -abc, 1e3, a later positive '
        . 'Max-Age, a bad Expires and Max-Age over a past Expires are stripped');
}

# --- item 3: path-scoped trackers ----------------------------------------------

{
    # the upstream sets _trk_shop with Path=/shop, _trk_blog without Path
    # at /blog/post: the module learns where they live
    raw($t, 'shop.example.se', '/shop/item');
    raw($t, 'shop.example.se', '/blog/post');

    my $r = raw($t, 'shop.example.se', '/', '_trk_shop=1; _trk_blog=1');
    my @hostonly = grep { !/Domain=/ } @{ $r->{sc} };
    is_deeply([map { /^([^=]+)=.*Path=([^;]+)/ ? "$1 $2" : $_ } @hostonly],
        ['_trk_shop /', '_trk_shop /shop', '_trk_blog /', '_trk_blog /blog'],
        'expired at the path they were set with (or its default-path)');

    # a client choosing the request path cannot move a named Path away
    raw($t, 'shop.example.se', '/any/chosen/by/client');
    $r = raw($t, 'shop.example.se', '/', '_trk_shop=1');
    is_deeply([map { /Path=([^;]+)/ ? $1 : $_ } grep { !/Domain=/ } @{ $r->{sc} }],
        ['/', '/shop'], 'a default-path does not replace a named Path');

    # a name never seen set: "/" and the request's directories, bounded
    $r = raw($t, 'shop.example.se', '/a/b/c/d/page', '_ga_unseen=1');
    @hostonly = grep { !/Domain=/ } @{ $r->{sc} };
    is_deeply([map { /Path=([^;]+)/ ? $1 : $_ } @hostonly],
        ['/', '/a', '/a/b', '/a/b/c'],
        'unknown path: "/" and the first three directories of the request');

    # a directory that cannot go into a header as it is
    $r = raw($t, 'shop.example.se', '/x%3By%0D%0AZ/page', '_ga_unseen=1');
    @hostonly = grep { !/Domain=/ } @{ $r->{sc} };
    is_deeply([map { /Path=([^;]+)/ ? $1 : $_ } @hostonly], ['/'],
        'a decoded ";" or CR LF in the path: "/" only');
    unlike($r->{head}, qr/^Z/m, 'no header injected');
}


done_testing;
