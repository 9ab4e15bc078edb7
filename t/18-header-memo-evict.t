#!/usr/bin/perl

# A request replayed from the header memo keeps its presented cookies in
# the memo slot until its response needs them (ngx_http_privacy_request.c,
# ngx_http_privacy_presented_get).  While it waits for its upstream, other
# requests may take the slot over: the response must then still expire
# exactly the denied cookies, and $privacy_stripped must list each name
# once.  One worker, so that the other requests meet the same memo.

use strict;
use warnings;

use FindBin;
use lib "$FindBin::Bin/lib";

use Test::More;
use IO::Socket::INET;
use PrivacyTest;

my $t = PrivacyTest->new;

$t->config(<<'EOF');
    privacy_secret_file %%SECRET%%;
    privacy_cookie statistics '^_ga$';
    privacy_cookie marketing '^_fbp$';
    privacy_cookie necessary '^session$';

    log_format memo '$privacy_stripped|$http_cookie';

    server {
        listen 127.0.0.1:%%PORT%%;
        privacy on;

        location / {
            return 200 "cookie=[$http_cookie] stripped=[$privacy_stripped]\n";
        }

        location /privacy/ {
            access_log %%DIR%%/portal.log memo;
            privacy_portal;
        }

        location /slow/ {
            access_log %%DIR%%/slow.log memo;
            proxy_pass http://127.0.0.1:%%PORT_2%%;
            proxy_read_timeout 30s;
        }
    }
EOF

# the upstream: a socket this script answers on when it chooses
my $up = $t->hold_upstream;

$t->start;

my $cookie = '_ga=GA1.1.7; session=s; _fbp=fb.1.7; other=o';

# the header once, so that its slot holds a verdict to replay
my $r = $t->get('/', { Cookie => $cookie });
is($r->{content}, "cookie=[session=s; other=o] stripped=[_ga,_fbp]\n",
    'first request: judged');

# Even rounds wait without other requests: the slot keeps their verdict
# (round 0 makes it: /slow/ is another location than /), so that the odd
# rounds replay it and then lose the slot while they wait.
my @expiries;
for my $round (0 .. 3) {
    my $evict = $round % 2;

    # the same header again, replayed, to the upstream that does not answer
    my ($c, $u, $head) = $t->held_request($up,
        "GET /slow/ HTTP/1.0\r\nHost: 127.0.0.1\r\nCookie: $cookie\r\n\r\n");
    like($head, qr/^Cookie: session=s; other=o\r$/mi,
        "round $round: the upstream gets the filtered header");

    # meanwhile every slot of the memo goes to other headers
    if ($evict) {
        my $bad = 0;
        for my $k (1 .. 1000) {
            my $o = $t->get('/', { Cookie => "_ga=$round$k; session=$k" });
            $bad++
                unless $o->{content} eq "cookie=[session=$k] stripped=[_ga]\n";
        }
        is($bad, 0, "round $round: other headers judged right meanwhile");
    }

    print $u "HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n"
        . "Content-Length: 3\r\n\r\nok\n";
    close $u;

    my $resp = PrivacyTest::read_to_end($c);

    my @sc = $resp =~ /^Set-Cookie: (.*?)\r?$/mgi;
    if ($round == 0) {
        @expiries = @sc;
        is_deeply([sort map { /^([^=]*)=/ } @sc], [qw(_fbp _fbp _ga _ga)],
            'the slot kept: _ga and _fbp expired (two paths each)');
    } else {
        is_deeply(\@sc, \@expiries, "round $round: the same expiring"
            . " Set-Cookies" . ($evict ? ', the slot lost meanwhile' : ''));
    }
}

# the log phase runs after the response filter re-judged the header
my @log = split /\n/, $t->wait_for_lines('slow.log', 4);
is_deeply(\@log, [('_ga,_fbp|session=s; other=o') x 4],
    '$privacy_stripped lists each name once');

# the consent form's body arrives late: the choice changes the categories
# after the slot was lost, and the list judged under the old ones is
# taken from the header's own bytes first
{
    # the header's verdict under this location, for the form to replay
    is($t->get('/privacy/consent', { Cookie => $cookie })->{status}, 200,
        'consent page');

    my $c = IO::Socket::INET->new(PeerAddr => '127.0.0.1',
        PeerPort => $t->port, Proto => 'tcp') or die "connect: $!";
    my $body = 'action=reject_all&return=%2F';
    print $c "POST /privacy/consent HTTP/1.0\r\n"
        . "Host: 127.0.0.1:" . $t->port . "\r\n"
        . "Origin: http://127.0.0.1:" . $t->port . "\r\n"
        . "Content-Type: application/x-www-form-urlencoded\r\n"
        . "Content-Length: " . length($body) . "\r\n"
        . "Cookie: $cookie\r\n\r\n";
    $c->flush;

    my $bad = 0;
    for my $k (1 .. 1000) {
        my $o = $t->get('/', { Cookie => "_ga=9$k; session=$k" });
        $bad++ unless $o->{content} eq "cookie=[session=$k] stripped=[_ga]\n";
    }
    is($bad, 0, 'consent form: other headers judged right meanwhile');

    print $c $body;
    my $resp = PrivacyTest::read_to_end($c);
    like($resp, qr{^HTTP/1\.1 303 }, 'consent form: answered') or diag $resp;
    my @sc = sort map { /^([^=]*)=/ } $resp =~ /^Set-Cookie: (.*?)\r?$/mgi;
    is_deeply(\@sc, [qw(_fbp _fbp _ga _ga privacy_consent)],
        'consent form: _ga and _fbp expired (two paths each), the choice set');

    my $log = $t->wait_for_lines('portal.log', 2);
    is($log, "_ga,_fbp|session=s; other=o\n" x 2,
        'consent form: $privacy_stripped lists each name once');
}

close $up;
done_testing;
undef $t;
