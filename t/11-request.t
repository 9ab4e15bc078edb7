#!/usr/bin/perl

# Issue #2, consent enforcement, the request side: in a "privacy on" scope
# the cookies of denied categories are removed from the Cookie header(s)
# before any handler, subrequest or upstream sees them; the rest goes on in
# its original order and spelling; a header left empty is removed; and the
# $privacy_* variables describe the request.
#
# The upstream here is a raw echo server (a child process) that returns the
# request head exactly as nginx forwarded it, so that an absent Cookie
# header can be told from an empty one and repeated headers stay visible
# (t/lib/EchoUpstream.pm).

use strict;
use warnings;

use FindBin;
use lib "$FindBin::Bin/lib";

use Time::HiRes qw(sleep time);
use Test::More;
use PrivacyTest;
use EchoUpstream;

my $t = PrivacyTest->new;

my $echo = EchoUpstream->start($t->port(2));

$t->config(<<'EOF');
    privacy_secret_file %%SECRET%%;
    privacy_cookie statistics '^_ga';
    privacy_cookie marketing '^_fbp$';
    privacy_cookie necessary '^session$';
    privacy_cookie preferences '^lang$';

    log_format privacy "$request_uri consent=$privacy_consent "
                       "decided=$privacy_decided gpc=$privacy_gpc "
                       "stripped=$privacy_stripped";

    %%BACKEND%%

    server {
        listen 127.0.0.1:%%PORT%%;
        server_name front;
        privacy on;
        privacy_cookie marketing '^_gcl_au$';

        access_log %%DIR%%/privacy.log privacy;

        location / {
            proxy_pass http://127.0.0.1:%%PORT_2%%;
        }

        location /b/ {
            proxy_pass http://127.0.0.1:%%BACKEND_PORT%%/;
        }

        location /ret {
            return 200 "cookie=[$http_cookie]\n";
        }

        location /vars {
            return 200 "consent=[$privacy_consent] decided=[$privacy_decided] gpc=[$privacy_gpc] stripped=[$privacy_stripped]\n";
        }

        location /if {
            if ($http_cookie ~ "_ga=") {
                return 200 "if saw _ga\n";
            }
            return 200 "if did not see _ga\n";
        }

        location /set {
            proxy_set_header X-Consent $privacy_consent;
            proxy_set_header X-Stripped $privacy_stripped;
            proxy_set_header X-UA $http_user_agent;
            proxy_pass http://127.0.0.1:%%PORT_2%%;
        }

        location /inner/ {
            privacy_cookie necessary '^_ga_keep$';
            proxy_pass http://127.0.0.1:%%PORT_2%%;

            location /inner/deeper/ {
                privacy_cookie necessary '^_fbp$';
                proxy_pass http://127.0.0.1:%%PORT_2%%;
            }
        }

        location /strip/ {
            privacy_unclassified strip;
            proxy_pass http://127.0.0.1:%%PORT_2%%;
        }

        location /greedy/ {
            privacy_cookie marketing '.';
            privacy_unclassified strip;
            proxy_pass http://127.0.0.1:%%PORT_2%%;
        }

        location /off/ {
            privacy off;
            proxy_pass http://127.0.0.1:%%PORT_2%%;
        }

        location /auth/ {
            auth_request /_auth;
            auth_request_set $seen $upstream_http_x_echo_cookie;
            add_header X-Auth-Saw $seen always;
            # not "return": it would answer before the access phase
            proxy_pass http://127.0.0.1:%%BACKEND_PORT%%/none;
        }

        location = /_auth {
            internal;
            proxy_pass_request_body off;
            proxy_set_header Content-Length "";
            proxy_pass http://127.0.0.1:%%PORT_2%%;
        }

        location /ssi/ {
            ssi on;
            default_type text/html;
            root %%DIR%%/www;
        }
    }

    server {
        listen 127.0.0.1:%%PORT%%;
        server_name unprotected;
        location / {
            proxy_pass http://127.0.0.1:%%PORT_2%%;
        }
    }
EOF

$t->write_file('www/ssi/page.html',
    "before\n<!--# include virtual=\"/b/echo-headers\" -->after\n");

$t->start;

# --- the basic cut ------------------------------------------------------------

my $r = $t->get('/', { Cookie => '_ga=GA1.2.3; session=abc; _fbp=fb.1; lang=sv' });
is($r->{status}, 200, 'proxied');
is_deeply([cookies_seen($r)], ['session=abc'],
    'without a decision only the necessary cookie reaches the upstream');

$r = $t->get('/', { Cookie => 'a=1; _ga=GA1; B=2; c="x y"; _fbp=3; d=' });
is_deeply([cookies_seen($r)], ['a=1; B=2; c="x y"; d='],
    'unclassified cookies kept in order and spelling (default keep)');

$r = $t->get('/', { Cookie => 'a=1;_ga=x;B=2' });
my ($seen) = cookies_seen($r);
is_deeply([split /;\s*/, $seen], ['a=1', 'B=2'],
    'no blanks around the separators: the same cookies remain');

$r = $t->get('/', { Cookie => 'a=1;b=2 ;  c=3' });
is_deeply([cookies_seen($r)], ['a=1;b=2 ;  c=3'],
    'a header with nothing to strip is forwarded byte for byte');

$r = $t->get('/', { Cookie => '_ga=GA1; _fbp=fb; _gcl_au=1' });
is_deeply([cookies_seen($r)], [],
    'a header left empty is removed, not sent empty');
unlike($r->{content}, qr/^cookie:/mi, 'no Cookie line at all upstream');

$r = $t->get('/', { Cookie => '_ga=GA1;;  ; _fbp=x;' });
is_deeply([cookies_seen($r)], [], 'also with stray separators');

$r = $t->get('/', {});
is_deeply([cookies_seen($r)], [], 'no Cookie header: none upstream');

$r = $t->get('/b/echo-headers', { Cookie => '_ga=GA1; _fbp=fb' });
is($r->{content}, "cookie=[]\nsec-gpc=[]\n",
    'the nginx backend sees no cookie either');

$r = $t->get('/b/echo-headers', { Cookie => '_ga=GA1; session=s1; _fbp=fb' });
is($r->{content}, "cookie=[session=s1]\nsec-gpc=[]\n",
    'the nginx backend sees the necessary cookie');

# --- several Cookie headers (HTTP/1.1) ------------------------------------------

$r = $t->get('/', { Cookie => ['_ga=1', 'session=2', '_fbp=3; x=4'] });
is_deeply([cookies_seen($r)], ['session=2', 'x=4'],
    'several headers: the empty one removed, the others filtered');

$r = $t->get('/ret', { Cookie => ['_ga=1', 'session=2', '_fbp=3; x=4'] });
is($r->{content}, "cookie=[session=2; x=4]\n",
    '$http_cookie joins what is left');

$r = $t->get('/', { Cookie => ['_ga=1', '_fbp=2'] });
is_deeply([cookies_seen($r)], [], 'several headers, all emptied');

{
    # many headers: the list of request headers has parts of 20 elements
    my @h = map { ($_ % 2) ? "keep$_=$_" : "_ga$_=$_" } 1 .. 60;
    my $n = 0;
    my $raw = "GET / HTTP/1.1\r\nHost: front\r\nX-Before: b\r\n"
        . join('', map { "Cookie: $_\r\nX-Mid-" . (++$n) . ": m\r\n" } @h)
        . "User-Agent: agent-after\r\nX-After: a\r\nConnection: close\r\n\r\n";
    my $res = $t->raw_request($raw);
    like($res, qr{^HTTP/1\.1 200 }, '60 Cookie headers: 200');
    my ($body) = $res =~ /\r\n\r\n(.*)\z/s;
    my @got = $body =~ /^cookie: ?(.*?)\r?$/mgi;
    is_deeply(\@got, [grep { !/^_ga/ } @h],
        'the 30 kept headers arrive in order, the 30 others are gone');
    my @mid = $body =~ /^x-mid-(\d+): m\r?$/mgi;
    is_deeply(\@mid, [1 .. 60], 'every header between them is still forwarded');
    like($body, qr/^X-Before: b\r?$/m, 'header before them kept');
    like($body, qr/^X-After: a\r?$/m, 'header after them kept');
    like($body, qr/^User-Agent: agent-after\r?$/m, 'User-Agent kept');
}

{
    # $http_user_agent after the list was cut: its pointer must stay valid
    my $raw = "GET /set HTTP/1.1\r\nHost: front\r\nCookie: _ga=1\r\n"
        . "User-Agent: ua-after-cookie\r\nCookie: _fbp=2\r\n"
        . "Connection: close\r\n\r\n";
    my $res = $t->raw_request($raw);
    like($res, qr/^X-UA: ua-after-cookie\r?$/m,
        '$http_user_agent still right after headers were removed');
    unlike($res, qr/^Cookie:/mi, 'both Cookie headers removed');
}

# --- every handler sees the stripped header --------------------------------------

$r = $t->get('/ret', { Cookie => '_ga=GA1; session=abc' });
is($r->{content}, "cookie=[session=abc]\n",
    'location-level return sees the stripped header');

$r = $t->get('/if', { Cookie => '_ga=GA1; session=abc' });
is($r->{content}, "if did not see _ga\n", 'so does "if"');

$r = $t->get('/auth/x', { Cookie => '_ga=GA1; session=abc; _fbp=1' });
is($r->{content}, "no cookies set\n", 'auth_request subrequest allowed it');
is($r->{headers}{'x-auth-saw'}, 'session=abc',
    'the auth_request subrequest sees the stripped header');

$r = $t->get('/ssi/page.html', { Cookie => '_ga=GA1; session=abc; _fbp=1' });
is($r->{content}, "before\ncookie=[session=abc]\nsec-gpc=[]\nafter\n",
    'an SSI include subrequest sees the stripped header');

# --- scopes and pattern inheritance --------------------------------------------

$r = $t->get('/off/', { Cookie => '_ga=GA1; session=abc' });
is_deeply([cookies_seen($r)], ['_ga=GA1; session=abc'],
    'privacy off in a location: nothing stripped');

$r = $t->request('GET', '/', { host => 'unprotected',
    headers => { Cookie => '_ga=GA1; session=abc' } });
is_deeply([cookies_seen($r)], ['_ga=GA1; session=abc'],
    'a server without privacy on: nothing stripped');

$r = $t->get('/', { Cookie => '_gcl_au=1; session=abc' });
is_deeply([cookies_seen($r)], ['session=abc'], 'server-level pattern applies');

$r = $t->get('/', { Cookie => '_ga_keep=1; _ga=2; session=abc' });
is_deeply([cookies_seen($r)], ['session=abc'],
    'outside /inner/, _ga_keep is statistics');

$r = $t->get('/inner/', { Cookie => '_ga_keep=1; _ga=2; _gcl_au=3; session=abc' });
is_deeply([cookies_seen($r)], ['_ga_keep=1; session=abc'],
    'the location pattern wins over the inherited one; inherited ones still apply');

$r = $t->get('/inner/deeper/',
    { Cookie => '_ga_keep=1; _fbp=f; _ga=2; _gcl_au=3; session=abc' });
is_deeply([cookies_seen($r)], ['_ga_keep=1; _fbp=f; session=abc'],
    'a nested location adds its own on top of all outer levels');

$r = $t->get('/strip/', { Cookie => 'a=1; _ga=2; session=abc; b=3' });
is_deeply([cookies_seen($r)], ['session=abc'],
    'privacy_unclassified strip removes unknown cookies');

$r = $t->get('/greedy/',
    { Cookie => 'a=1; privacy_consent=not-even-valid; session=abc' });
is_deeply([cookies_seen($r)], ['privacy_consent=not-even-valid'],
    'the consent cookie is kept whatever the patterns say');

# --- GPC is passed on unchanged -------------------------------------------------

$r = $t->get('/', { 'Sec-GPC' => '1', Cookie => '_ga=1' });
like($r->{content}, qr/^Sec-GPC: 1\r?$/m, 'Sec-GPC: 1 reaches the upstream');

$r = $t->get('/b/echo-headers', { 'Sec-GPC' => '1' });
is($r->{content}, "cookie=[]\nsec-gpc=[1]\n", 'also the nginx backend');

# --- the variables --------------------------------------------------------------

$r = $t->get('/vars', { Cookie => '_ga=GA1; session=abc; _fbp=fb; _gcl_au=x' });
is($r->{content},
    "consent=[necessary] decided=[0] gpc=[0] stripped=[_ga,_fbp,_gcl_au]\n",
    'variables of an undecided visitor');

$r = $t->get('/vars', { 'Sec-GPC' => '1' });
is($r->{content}, "consent=[necessary] decided=[0] gpc=[1] stripped=[]\n",
    '$privacy_gpc with Sec-GPC: 1');

for my $v ('0', '2', '11', 'yes') {
    $r = $t->get('/vars', { 'Sec-GPC' => $v });
    like($r->{content}, qr/gpc=\[0\]/, "Sec-GPC: '$v' is no signal");
}

$r = $t->get('/set', { Cookie => '_ga=1; session=2', 'User-Agent' => 'ua1' });
like($r->{content}, qr/^X-Consent: necessary\r?$/m,
    '$privacy_consent in proxy_set_header');
like($r->{content}, qr/^X-Stripped: _ga\r?$/m,
    '$privacy_stripped in proxy_set_header');

{
    # log_format: written in the log phase, so poll for the line
    $t->get('/ret?logged', { Cookie => '_fbp=1; session=2; _ga=3' });
    my $line = wait_for_log(qr{^/ret\?logged .*$}m);
    is($line, '/ret?logged consent=necessary decided=0 gpc=0 stripped=_fbp,_ga',
        'variables in log_format');
}

$echo->stop;
done_testing;
undef $t;

# --- helpers --------------------------------------------------------------------

# the Cookie header lines the echo server received, in order
sub cookies_seen {
    my ($res) = @_;
    return "(no echo: status $res->{status})"
        unless $res->{status} == 200 && $res->{content} =~ /^GET /;
    return $res->{content} =~ /^cookie: ?(.*?)\r?$/mgi;
}

sub wait_for_log {
    my ($re) = @_;
    my $end = time + 5;
    while (1) {
        my $log = do {
            open my $fh, "<", $t->dir . "/privacy.log";
            local $/;
            $fh ? <$fh> : '';
        };
        return $& if defined $log && $log =~ $re;
        return undef if time > $end;
        sleep 0.05;
    }
}
