#!/usr/bin/perl

# The expiring Set-Cookies travel as the lines they make: on HTTP/1.x one
# response header holds them all, joined by CRLF "Set-Cookie: ", and a
# response replayed from the header memo points at the slot's lines
# (ngx_http_privacy_expire.c, docs/architecture.md).  On the wire that must
# be one well-formed header line per expiry, byte for byte what the first
# response built; and while a response still points at a slot's lines, no
# other request may rewrite them: the log phase reads them last.  One
# worker, so that all requests meet the same memo.  (HTTP/2, one field per
# expiry: t/16-protocols.t.)

use strict;
use warnings;

use FindBin;
use lib "$FindBin::Bin/lib";

use Test::More;
use PrivacyTest;

my $t = PrivacyTest->new;

$t->config(<<'EOF');
    privacy_secret_file %%SECRET%%;
    privacy_cookie statistics '^_ga$';
    privacy_cookie marketing '^_fbp$';
    privacy_cookie marketing '^_gcl_au$';
    privacy_cookie necessary '^session$';

    log_format lines '$sent_http_set_cookie';

    server {
        listen 127.0.0.1:%%PORT%%;
        server_name localhost;
        privacy on;

        location / {
            return 200 "ok\n";
        }

        location /a/b/ {
            add_header Set-Cookie "session=s2; Path=/";
            return 200 "ok\n";
        }

        location /slow/ {
            access_log %%DIR%%/slow.log lines;
            proxy_pass http://127.0.0.1:%%PORT_2%%;
            proxy_read_timeout 5s;
            proxy_buffering off;
        }
    }
EOF

# the upstream: a socket this script answers on when it chooses
my $up = $t->hold_upstream;

$t->start;

# the head's lines, the Set-Cookie ones, and whether every line is a header
sub head_of {
    my ($res) = @_;
    my ($head) = split /\r\n\r\n/, $res, 2;
    my ($status, @lines) = split /\r\n/, $head // '';
    return {
        status  => $status // '',
        lines   => \@lines,
        cookies => [map { /^Set-Cookie: (.*)$/ ? $1 : () } @lines],
        bad     => [grep { !/^[A-Za-z0-9-]+: [^\r\n]*$/ } @lines],
    };
}

my $cookie = '_ga=GA1.1.7; session=s; _fbp=fb.1.7; other=o';
my $req = "GET /a/b/c HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n"
    . "Cookie: $cookie\r\n\r\n";

# built, then replayed from the slot: the same lines, each its own header
my $built = head_of($t->raw_request($req));
my $replayed = head_of($t->raw_request($req));

like($built->{status}, qr{^HTTP/1\.1 200 }, 'built: 200');
is_deeply($built->{bad}, [], 'built: every head line is one header');
# _ga and _fbp, each at "/" and the request's directories "/a" and "/a/b"
is_deeply([sort map { /^([^=]*)=; Max-Age=0; Path=([^;]*);/ ? "$1 $2" : $_ }
              grep { !/^session=/ } @{ $built->{cookies} }],
    ['_fbp /', '_fbp /a', '_fbp /a/b', '_ga /', '_ga /a', '_ga /a/b'],
    'built: _ga and _fbp expired at three paths each');
is($built->{cookies}[0], 'session=s2; Path=/',
    "built: the location's own Set-Cookie first, as it was");
is_deeply($replayed->{bad}, [], 'replayed: every head line is one header');
is_deeply($replayed->{cookies}, $built->{cookies},
    'replayed: the same Set-Cookie lines, in the same order');

# Even rounds wait without other requests, odd rounds while 1,000 other
# Cookie headers take every slot of the memo, each expiring _gcl_au from
# its slot.  The response to /slow/ was replayed from the slot, so its
# headers point at the slot's lines: the access log, written after the
# others ran, must still show its own expiries.
my $slow = "GET /slow/ HTTP/1.0\r\nHost: localhost\r\nCookie: $cookie\r\n\r\n";

my @logged;
for my $round (0 .. 3) {
    my $evict = $round % 2;

    my ($c, $u) = $t->held_request($up, $slow);

    # the response's head goes out (the expiries with it), its body waits
    $u->autoflush(1);
    print $u "HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n"
        . "Content-Length: 6\r\n\r\nok";
    my $got = '';
    while ($got !~ /\r\n\r\n/) {
        sysread($c, my $buf, 65536) or last;
        $got .= $buf;
    }
    my $sent = head_of($got);
    is(scalar(grep { /^_ga=; Max-Age=0/ } @{ $sent->{cookies} }), 2,
        "round $round: the head went out with _ga expired at two paths");

    if ($evict) {
        my $bad = 0;
        for my $k (1 .. 1000) {
            my $o = $t->get('/', { Cookie => "_gcl_au=$round$k; session=$k" });
            my @sc = set_cookies($o);
            $bad++ unless @sc == 1 && $sc[0] =~ /^_gcl_au=; Max-Age=0; /;
        }
        is($bad, 0, "round $round: other headers expired their own meanwhile");
    }

    print $u "ok\n\n";
    close $u;

    my $resp = PrivacyTest::read_to_end($c, $got);
    like($resp, qr/\r\n\r\nokok\n\n\z/, "round $round: the body completed")
        or diag explain $resp;
}

my $log = $t->wait_for_lines('slow.log', 4);
my @rounds = split /\n/, $log;
like($rounds[0], qr/^_ga=; Max-Age=0; Path=\/;/,
    'the log shows the expiries the response sent');
unlike(join("\n", @rounds), qr/_gcl_au/,
    "no round's log shows another header's expiries");
is_deeply(\@rounds, [($rounds[0]) x 4],
    'every round logs the same expiries, the slot lost meanwhile or not');

close $up;
done_testing;
undef $t;
