#!/usr/bin/perl

# Issue #2, consent enforcement, against bad input (SPEC section 9): huge
# and malformed Cookie headers, empty names, separator runs, non-ASCII
# bytes, duplicate names and forged consent cookies.  Each gets a defined
# answer (never a 500, never a crashed worker: the final error-log check
# covers [alert]s), and tracking cookies are still stripped (fail closed).
#
# The upstream is a raw echo server (a child process) returning the request
# head exactly as nginx forwarded it (t/lib/EchoUpstream.pm).

use strict;
use warnings;

use FindBin;
use lib "$FindBin::Bin/lib";

use MIME::Base64 qw(encode_base64url);
use Test::More;
use PrivacyTest;
use EchoUpstream;

my $t = PrivacyTest->new;

my $EPOCH = 'Max-Age=0; Path=/; Expires=Thu, 01 Jan 1970 00:00:01 GMT';

my $echo = EchoUpstream->start($t->port(2));

$t->config(<<'EOF');
    privacy_secret_file %%SECRET%%;
    privacy_cookie statistics '^_ga';
    privacy_cookie marketing '^_fbp$';
    privacy_cookie necessary '^session$';

    large_client_header_buffers 4 64k;

    %%BACKEND%%

    server {
        listen 127.0.0.1:%%PORT%%;
        server_name front;
        privacy on;

        location / {
            proxy_pass http://127.0.0.1:%%PORT_2%%;
        }

        location /b/ {
            proxy_pass http://127.0.0.1:%%BACKEND_PORT%%/;
        }

        location /strip/ {
            privacy_unclassified strip;
            proxy_pass http://127.0.0.1:%%PORT_2%%;
        }

        location /privacy/ {
            privacy_portal;
        }

        location /vars {
            return 200 "decided=[$privacy_decided] consent=[$privacy_consent]\n";
        }
    }
EOF

$t->start;

# --- size -------------------------------------------------------------------------

{
    # a 32 KB header: session first, then tracking and other cookies
    my @c = ('session=s1');
    my $i = 0;
    while (length(join '; ', @c) < 32 * 1024) {
        $i++;
        push @c, "_ga_$i=GA1.2." . ('9' x 20), "keep$i=" . ('v' x 20);
    }
    my $cookie = join '; ', @c;
    ok(length $cookie >= 32 * 1024, '32 KB Cookie header built');

    # raw requests: hundreds of Set-Cookie lines are too many for HTTP::Tiny
    my $r = raw_get('/', "Cookie: $cookie");
    is($r->{status}, 200, '32 KB Cookie header: 200');
    is_deeply([cookies_seen($r)], [join '; ', grep { !/^_ga/ } @c],
        '32 KB: the upstream gets session and the keep cookies, in order');
    # at most privacy_expire_limit (32) expiries per response; the rest
    # go out with later responses (docs/security.md)
    my @sc = @{ $r->{set_cookies} };
    is(scalar @sc, 32, "32 KB: 32 of the $i tracking cookies expired");
    is_deeply([grep { !/^_ga_\d+=; \Q$EPOCH\E$/ } @sc], [],
        '32 KB: every Set-Cookie is such an expiry');

    $r = raw_get('/b/', "Cookie: $cookie");
    is($r->{status}, 200, '32 KB via the nginx backend: 200');
    is($r->{body}, "cookie=[" . join('; ', grep { !/^_ga/ } @c) . "]\n",
        '32 KB: the nginx backend sees the same');
    is_deeply([map { /^([^=]*)=/ } @{ $r->{set_cookies} }],
        ['session', map { ("_ga_$_") x 2 } 1 .. 16],
        '32 KB: backend _ga and _fbp stripped, the first presented expired '
        . '(at / and /b: 16 names in 32 expiries)');
}

{
    # 1,000 cookies, every other one tracking
    my @c = map { $_ % 2 ? "_ga$_=$_" : "c$_=$_" } 1 .. 1000;
    my $r = raw_get('/', 'Cookie: ' . join '; ', @c);
    is($r->{status}, 200, '1,000 cookies: 200');
    is_deeply([cookies_seen($r)], [join '; ', grep { /^c/ } @c],
        '1,000 cookies: the 500 others arrive in order');
    is_deeply($r->{set_cookies},
        [map { "_ga$_=; $EPOCH" } (grep { $_ % 2 } 1 .. 1000)[0 .. 31]],
        '1,000 cookies: the first 32 of 500 expiries');

    # 500 separate Cookie headers (nginx refuses ~1,000 header lines)
    @c = @c[0 .. 499];
    $r = raw_get('/', map { "Cookie: $_" } @c);
    is($r->{status}, 200, '500 Cookie headers: 200');
    is_deeply([cookies_seen($r)], [grep { /^c/ } @c],
        '500 Cookie headers: the 250 others, one header each');
    is(scalar @{ $r->{set_cookies} }, 32,
        '500 Cookie headers: 32 of 250 expiries');
}

{
    # too large for the buffers: nginx's own 400, not ours
    my $r = $t->raw_request("GET / HTTP/1.1\r\nHost: front\r\nCookie: "
        . ('_ga=1; ' x 10000) . "\r\nConnection: close\r\n\r\n");
    like($r, qr{^HTTP/1\.1 400 }, 'a 70 KB header line: 400 from nginx');
}

{
    # a long name and a long value
    my $name = '_ga' . ('x' x 4000);
    my $r = $t->get('/', { Cookie => "$name=1; session=2; _fbp=" . ('y' x 20000) });
    is($r->{status}, 200, 'a 4 KB name and a 20 KB value: 200');
    is_deeply([cookies_seen($r)], ['session=2'], 'both stripped');
    is_deeply([set_cookies($r)], ["_fbp=; $EPOCH"],
        'the short name expired; a name over 256 bytes is not sent back');
}

# --- separators and empty names ------------------------------------------------------

for my $case (
    [ '=x; _ga=1; ==; ;;; session=2; =',  '=x; ==; ;;; session=2; =' ],
    [ ';;;;;_ga=1;;;;;',                  undef ],
    [ '; ; ; _fbp=1 ; ; session=2',       'session=2' ],
    [ '=======',                          '=======' ],
    # read as the name "_ga" by several frameworks: stripped (issue 15)
    [ '_ga',                              undef ],
    [ '_ga=1=2=3; a==b',                  'a==b' ],
    [ "\t_ga=1;\tsession=2\t",            "session=2" ],
    [ '   ',                              undef ],
) {
    my ($cookie, $want) = @$case;
    (my $show = $cookie) =~ s/\t/\\t/g;
    my $r = raw_get('/', "Cookie: $cookie");
    is($r->{status}, 200, "'$show': 200");
    my @seen = cookies_seen($r);
    if (defined $want) {
        my @w = split /;\s*/, $want;
        is_deeply([map { split /;\s*/ } @seen], \@w, "'$show': upstream gets '$want'");
    } else {
        ok(!grep({ /_ga|_fbp/ } @seen), "'$show': no tracking cookie upstream");
    }
}

{
    my $r = $t->get('/strip/', { Cookie => '=x; =; a=1; _ga=2; session=3' });
    is_deeply([cookies_seen($r)], ['session=3'],
        'privacy_unclassified strip: empty names go too');
    # "a" was never seen set: at "/" and the request's directory too
    is_deeply([set_cookies($r)], ["a=; $EPOCH",
        "a=; Max-Age=0; Path=/strip; Expires=Thu, 01 Jan 1970 00:00:01 GMT",
        "_ga=; $EPOCH"],
        'no Set-Cookie is made for an empty name');
}

# --- bytes ---------------------------------------------------------------------------

{
    my $cookie = "caf\xc3\xa9=1; _ga=\xff\xfe\x80; session=\xe2\x82; x=\xc0\xaf";
    my $r = raw_get('/', "Cookie: $cookie");
    is($r->{status}, 200, 'non-ASCII and invalid UTF-8: 200');
    is_deeply([cookies_seen($r)], ["caf\xc3\xa9=1; session=\xe2\x82; x=\xc0\xaf"],
        'the bytes of the kept cookies pass unchanged');
    is_deeply($r->{set_cookies}, ["_ga=; $EPOCH"], '_ga stripped and expired');

    $r = raw_get('/strip/', "Cookie: _ga\xe9=1; caf\xc3\xa9=2; session=3");
    is($r->{status}, 200, 'non-ASCII names: 200');
    is_deeply([cookies_seen($r)], ['session=3'], 'non-ASCII names stripped');
    is_deeply([grep { /[^\x20-\x7e]/ } @{ $r->{set_cookies} }], [],
        'no Set-Cookie carries non-ASCII bytes');

    $r = raw_get('/', "Cookie: _ga=1; a\x01b=2; session=3");
    is($r->{status}, 200, 'a control byte: 200');
    is_deeply([cookies_seen($r)], ["a\x01b=2; session=3"], 'kept as sent, _ga gone');

    $r = $t->raw_request("GET / HTTP/1.1\r\nHost: front\r\nCookie: _ga=1; a\0=2\r\n"
        . "Connection: close\r\n\r\n");
    like($r, qr{^HTTP/1\.1 400 }, 'a NUL byte: 400 from nginx');
}

# --- duplicates ----------------------------------------------------------------------

{
    my $r = $t->get('/', { Cookie => '_ga=1; session=2; _ga=3; _fbp=4; _ga=5' });
    is_deeply([cookies_seen($r)], ['session=2'], 'all three _ga copies stripped');
    is_deeply([set_cookies($r)], ["_ga=; $EPOCH", "_fbp=; $EPOCH"],
        '_ga expired once');

    $r = $t->get('/', { Cookie => ['_ga=1', '_ga=2; session=3', '_ga=4'] });
    is_deeply([cookies_seen($r)], ['session=3'], 'duplicates across headers');
    is_deeply([set_cookies($r)], ["_ga=; $EPOCH"], 'still expired once');

    $r = $t->get('/', { Cookie => 'session=1; session=2' });
    is_deeply([cookies_seen($r)], ['session=1; session=2'],
        'duplicate necessary cookies both kept');
}

# --- forged consent cookies ----------------------------------------------------------

for my $case (
    [ 'privacy_consent=',                          'empty value' ],
    [ 'privacy_consent',                           'no "="' ],
    [ 'privacy_consent=x',                         'one character' ],
    [ 'privacy_consent=' . ('A' x 80),             '80 A' ],
    [ 'privacy_consent=' . ('!' x 100),            'not base64url' ],
    [ 'privacy_consent=' . ('A' x 10000),          '10 KB' ],
    [ 'privacy_consent=' . encode_base64url(pack('C*', map { $_ % 256 } 0 .. 100)),
                                                   'random bytes' ],
    [ 'privacy_consent=' . encode_base64url(chr(1) . chr(0xff) x 100),
                                                   'format byte right, rest garbage' ],
    [ 'privacy_consent="' . ('A' x 80) . '"',      'quoted' ],
    [ join('; ', map { "privacy_consent=$_" } 1 .. 200), '200 copies' ],
) {
    my ($cookie, $name) = @$case;
    my $r = $t->get('/vars', { Cookie => "$cookie; _ga=1" });
    is($r->{content}, "decided=[0] consent=[necessary]\n", "consent cookie $name: no decision");
    $r = $t->get('/', { Cookie => "$cookie; _ga=1; session=2" });
    is($r->{status}, 200, "consent cookie $name: 200");
    ok(!grep({ /_ga/ } cookies_seen($r)), "consent cookie $name: _ga stripped");
    ok((grep { $_ eq "_ga=; $EPOCH" } set_cookies($r)),
        "consent cookie $name: _ga expired");
}

# a POST with hostile forms: defined answers
for my $case (
    [ 'action=save&category=' . ('x' x 500),         400, 'a long unknown category' ],
    [ "action=save&category=statistics%00",          400, 'NUL after a category' ],
    [ 'action=accept_all&return=' . ('%2F' x 300),   303, 'a return of 300 slashes' ],
    [ 'action=%ZZ',                                  400, 'bad percent encoding' ],
    [ '&&&&==&&action=reject_all&&',                 303, 'separator runs' ],
    [ '',                                            400, 'empty body' ],
    [ "\xff\xfe\x00\x01",                            400, 'binary body' ],
) {
    my ($body, $status, $name) = @$case;
    my $r = $t->post('/privacy/consent', $body);
    is($r->{status}, $status, "POST $name: $status");
    if ($status == 303) {
        like($r->{headers}{location} // '', qr{^(?:http://127\.0\.0\.1:\d+)?/privacy/consent$},
            "POST $name: to the consent page");
    }
}

# --- memory: each stripped name must not copy all the ones before -----------------------

SKIP: {
    my $worker = worker_pid();
    skip 'no /proc status of the worker', 2 unless $worker
        && -r "/proc/$worker/status";

    my $before = peak_kb($worker);
    my $r = $t->raw_request("GET /b/none HTTP/1.1\r\nHost: front\r\nCookie: "
        . ('_ga=;' x 12000) . "\r\nConnection: close\r\n\r\n", timeout => 30);
    like($r, qr{^HTTP/1\.1 200 }, '12,000 copies of "_ga=;" in 60 KB: 200');
    my $grew = peak_kb($worker) - $before;
    cmp_ok($grew, '<', 32 * 1024,
        "the worker's peak memory grows by less than 32 MB (grew ${grew} kB)");
}

$echo->stop;
done_testing;
undef $t;

# --- helpers --------------------------------------------------------------------------

# the Cookie header lines the echo server received (of a get() or raw_get())
sub cookies_seen {
    my ($res) = @_;
    my $body = $res->{content} // $res->{body} // '';
    return "(no echo: status $res->{status})"
        unless $res->{status} == 200 && $body =~ /^GET /;
    return $body =~ /^cookie: ?(.*?)\r?$/mgi;
}

# a request with the given header lines; the response parsed by hand
sub raw_get {
    my ($path, @lines) = @_;
    my $res = $t->raw_request("GET $path HTTP/1.1\r\nHost: front\r\n"
        . join('', map { "$_\r\n" } @lines) . "Connection: close\r\n\r\n",
        timeout => 30);
    my ($head, $body) = split /\r\n\r\n/, $res, 2;
    my ($status) = ($head // '') =~ m{^HTTP/1\.\d (\d+)};
    my @h = map { [split /:\s*/, $_, 2] } split /\r\n/, $head // '';
    shift @h;
    if (grep { lc $_->[0] eq 'transfer-encoding' && $_->[1] =~ /chunked/i } @h) {
        my $plain = '';
        while ($body =~ s/^([0-9a-fA-F]+)\r\n//) {
            my $n = hex $1;
            last if $n == 0;
            $plain .= substr($body, 0, $n, '');
            $body =~ s/^\r\n//;
        }
        $body = $plain;
    }
    return {
        status      => $status // 0,
        headers     => \@h,
        body        => $body // '',
        set_cookies => [map { $_->[1] } grep { lc $_->[0] eq 'set-cookie' } @h],
    };
}

sub worker_pid {
    my $master = $t->pid or return;
    opendir my $dh, '/proc' or return;
    for my $p (grep { /^\d+$/ } readdir $dh) {
        open my $fh, '<', "/proc/$p/stat" or next;
        my $stat = <$fh> // '';
        return $p if $stat =~ /\)\s+\S+\s+(\d+)/ && $1 == $master;
    }
    return;
}

sub peak_kb {
    my ($pid) = @_;
    open my $fh, '<', "/proc/$pid/status" or return 0;
    while (<$fh>) {
        return $1 if /^VmHWM:\s+(\d+)/;
    }
    return 0;
}
