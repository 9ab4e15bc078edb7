#!/usr/bin/perl

# Issue #2, consent enforcement, the response side: in a "privacy on" scope
# Set-Cookie headers of denied categories are removed whoever added them
# (an upstream, add_header, the userid module) and whatever the status;
# a backend deleting a tracking cookie is let through; every denied cookie
# the browser presented is expired, for the host and each parent domain up
# to the registrable one; and such responses tell shared caches that they
# depend on the Cookie header.

use strict;
use warnings;

use FindBin;
use lib "$FindBin::Bin/lib";

use Test::More;
use Time::HiRes qw(sleep time);
use PrivacyTest;

my $t = PrivacyTest->new;

my $EPOCH = 'Max-Age=0; Path=/; Expires=Thu, 01 Jan 1970 00:00:01 GMT';

# _fbp was set once without Path by a response at /two/spelling (below),
# so the browser may hold it at /two too: it is expired there as well
my $FBP_TWO = '_fbp=; Max-Age=0; Path=/two; Expires=Thu, 01 Jan 1970 00:00:01 GMT';

$t->config(<<'EOF');
    privacy_secret_file %%SECRET%%;
    privacy_cookie statistics '^_ga';
    privacy_cookie statistics '^uid$';
    privacy_cookie marketing '^_fbp$';
    privacy_cookie necessary '^session$';

    log_format privacy "$request_uri stripped=$privacy_stripped";

    %%BACKEND%%

    # a second backend: several statuses, deletions, odd spellings
    server {
        listen 127.0.0.1:%%PORT_2%%;
        privacy off;

        location /status/ {
            add_header Set-Cookie "_ga=GA1.x; Path=/; Max-Age=600" always;
            add_header Set-Cookie "session=s1; Path=/; HttpOnly" always;
            add_header Set-Cookie "_fbp=fb.x; Path=/" always;

            location = /status/302 { return 302 /elsewhere; }
            location = /status/404 { return 404; }
            location = /status/500 { return 500; }
        }

        location = /delete {
            add_header Set-Cookie "_ga=; Max-Age=0; Path=/";
            add_header Set-Cookie "_fbp=gone; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT";
            add_header Set-Cookie "_ga_neg=1; Max-Age=-1";
            add_header Set-Cookie "_ga_future=1; Expires=Fri, 01 Jan 2100 00:00:00 GMT";
            add_header Set-Cookie "_ga_last=1; Max-Age=0; Max-Age=3600";
            return 200 "delete\n";
        }

        location = /many {
            add_header Set-Cookie "a=1";
            add_header Set-Cookie "_ga=1";
            add_header Set-Cookie "session=2";
            add_header Set-Cookie "_ga_AB12=3; Domain=example.se";
            add_header Set-Cookie "b=4";
            add_header Set-Cookie "_fbp=5";
            add_header Set-Cookie "c=6";
            add_header Set-Cookie "_ga=7";
            add_header Set-Cookie "d=8";
            add_header Set-Cookie "_fbp=9";
            add_header Set-Cookie "e=10";
            add_header Set-Cookie "uid=11";
            return 200 "many\n";
        }

        location = /spelling {
            add_header set-cookie "_ga=lowercase-header";
            add_header Set-Cookie " _ga=leading-blank";
            add_header Set-Cookie "_fbp =blank-before-equals";
            add_header Set-Cookie "_GA=other-case";
            add_header Set-Cookie "session=ok";
            return 200 "spelling\n";
        }

        location = /vary {
            add_header Vary "Accept-Encoding, Cookie";
            add_header Set-Cookie "_ga=1";
            return 200 "vary\n";
        }

        location = /vary-any {
            add_header Vary "*";
            add_header Set-Cookie "_ga=1";
            return 200 "vary-any\n";
        }

        location = /vary-gpc {
            add_header Vary "Accept-Encoding,SEC-GPC;x";
            add_header Set-Cookie "_ga=1";
            return 200 "vary-gpc\n";
        }

        location = /private-mixed {
            add_header Cache-Control "max-age=0, Private";
            add_header Set-Cookie "_ga=1";
            return 200 "private-mixed\n";
        }

        location = /xaccel {
            add_header X-Accel-Redirect /accel-target;
            add_header Set-Cookie "_ga=from-xaccel";
            return 200 "replaced\n";
        }

        location = /nostore {
            add_header Cache-Control "no-store";
            add_header Set-Cookie "_ga=1";
            return 200 "nostore\n";
        }
    }

    server {
        listen 127.0.0.1:%%PORT%%;
        server_name front .example.se *.example.co.uk myshop.github.io;
        privacy on;

        access_log %%DIR%%/privacy.log privacy;

        location / {
            proxy_pass http://127.0.0.1:%%BACKEND_PORT%%;
        }

        location /two/ {
            proxy_pass http://127.0.0.1:%%PORT_2%%/;
        }

        location /privacy/ {
            privacy_portal;
        }

        location /ah {
            add_header Set-Cookie "_ga=ah; Path=/" always;
            add_header Set-Cookie "session=ah; Path=/" always;
            add_header Set-Cookie "_fbp=ah; Path=/" always;
            return 200 "add_header\n";
        }

        location /ah500 {
            add_header Set-Cookie "_ga=ah; Path=/" always;
            add_header Set-Cookie "session=ah; Path=/" always;
            return 500;
        }

        location /uid {
            userid on;
            userid_name uid;
            userid_path /;
            return 200 "uid\n";
        }

        location /ret {
            return 200 "return cookie=[$http_cookie]\n";
        }

        location /static/ {
            root %%DIR%%/www;
        }

        location /missing/ {
            root %%DIR%%/www;
            error_page 404 /errors/404.html;
        }

        location /errors/ {
            root %%DIR%%/www;
            add_header Set-Cookie "_ga=from-error-page; Path=/" always;
            add_header Set-Cookie "session=from-error-page; Path=/" always;
        }

        location /ep/ {
            error_page 404 = /fallback;
            return 404;
        }

        location /tf/ {
            try_files $uri /fallback;
        }

        location = /fallback {
            return 200 "fallback cookie=[$http_cookie]\n";
        }

        location /named/ {
            error_page 404 = @named;
            return 404;
        }

        location @named {
            return 200 "named cookie=[$http_cookie]\n";
        }

        location /xaccel {
            proxy_pass http://127.0.0.1:%%PORT_2%%;
        }

        location /accel-target {
            internal;
            return 200 "accel cookie=[$http_cookie]\n";
        }

        location /ep-off/ {
            error_page 404 = /plain;
            return 404;
        }

        location = /plain {
            privacy off;
            return 200 "plain cookie=[$http_cookie]\n";
        }

        location /ssi/ {
            ssi on;
            default_type text/html;
            root %%DIR%%/www;
        }

        location /private/ {
            privacy_shared_cache private;
            proxy_pass http://127.0.0.1:%%BACKEND_PORT%%/;
        }

        location /private-nostore {
            privacy_shared_cache private;
            proxy_pass http://127.0.0.1:%%PORT_2%%/nostore;
        }

        location /private-mixed {
            privacy_shared_cache private;
            proxy_pass http://127.0.0.1:%%PORT_2%%/private-mixed;
        }

        location /off/ {
            privacy off;
            proxy_pass http://127.0.0.1:%%BACKEND_PORT%%/;
        }
    }

    server {
        listen 127.0.0.1:%%PORT%%;
        server_name server-return;
        privacy on;
        return 200 "server return\n";
    }

    server {
        listen 127.0.0.1:%%PORT%%;
        server_name server-return-sets;
        privacy on;
        add_header Set-Cookie "_ga=srv; Path=/" always;
        add_header Set-Cookie "session=srv; Path=/" always;
        return 200 "server return\n";
    }
EOF

$t->write_file('www/static/hello.txt', "hello from disk\n");
$t->write_file('www/errors/404.html', "custom not found\n");
$t->write_file('www/ssi/page.html',
    "before\n<!--# include virtual=\"/none\" -->after\n");

$t->start;

my $accept = consent_cookie($t, action => 'accept_all');
like($accept, qr/^privacy_consent=[\w-]+$/, 'got a consent cookie (accept_all)');

# --- Set-Cookie from an upstream --------------------------------------------------

my $r = $t->get('/');
is($r->{status}, 200, 'GET / via the backend');
is_deeply(names($r), ['session'],
    'no decision: _ga and _fbp are not set, session is');
like($r->{headers}{vary} // '', qr/\bCookie\b/, 'Vary: Cookie');

$r = $t->get('/', { Cookie => $accept });
is_deeply(names($r), [qw(_ga _fbp session)], 'after accept_all all three are set');

$r = $t->request('HEAD', '/');
is($r->{status}, 200, 'HEAD');
is_deeply(names($r), ['session'], 'HEAD: the same cut');

for my $status (302, 404, 500) {
    $r = $t->get("/two/status/$status");
    is($r->{status}, $status, "upstream $status passed on");
    is_deeply(names($r), ['session'], "upstream $status: only session is set");
    like($r->{headers}{vary} // '', qr/\bCookie\b/, "upstream $status: Vary");
}
like($t->get('/two/status/302')->{headers}{location} // '', qr{/elsewhere$},
    '302 keeps its Location');

$r = $t->get('/two/many');
is_deeply([set_cookies($r)], [qw(a=1 session=2 b=4 c=6 d=8 e=10)],
    'twelve Set-Cookie headers: the six allowed ones, in order');

$r = $t->get('/two/many', { Cookie => $accept });
is(scalar set_cookies($r), 12, 'after accept_all all twelve');

$r = $t->get('/two/spelling');
is_deeply([set_cookies($r)], ['_GA=other-case', 'session=ok'],
    'lower-case header name, blanks around the name: still stripped');

# --- a backend deleting a tracking cookie --------------------------------------------

$r = $t->get('/two/delete');
is_deeply([set_cookies($r)], [
        '_ga=; Max-Age=0; Path=/',
        '_fbp=gone; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT',
        '_ga_neg=1; Max-Age=-1',
    ], 'deletions (Max-Age=0, past Expires, negative Max-Age) pass; '
       . 'a future Expires and a later Max-Age=3600 do not');

# --- add_header, userid ------------------------------------------------------------

$r = $t->get('/ah');
is_deeply([set_cookies($r)], ['session=ah; Path=/'],
    'add_header Set-Cookie: only the necessary one');
like($r->{headers}{vary} // '', qr/\bCookie\b/, 'add_header: Vary');

$r = $t->get('/ah', { Cookie => $accept });
is_deeply(names($r), [qw(_ga session _fbp)], 'add_header after accept_all');

$r = $t->get('/ah500');
is($r->{status}, 500, 'add_header ... always on a 500');
is_deeply([set_cookies($r)], ['session=ah; Path=/'], '500: _ga stripped');

$r = $t->get('/uid');
is($r->{content}, "uid\n", 'userid location');
is_deeply([set_cookies($r)], [], 'userid: no uid cookie without a decision');

$r = $t->get('/uid', { Cookie => $accept });
my @uid = grep { /^uid=/ } set_cookies($r);
is(scalar @uid, 1, 'userid: uid cookie after accept_all');

# --- expiring what the browser presented ---------------------------------------------

$r = $t->get('/none', { Cookie => '_ga=GA1.2; _fbp=fb; session=s; _ga_XYZ=1; x=2' });
is($r->{content}, "no cookies set\n", 'a page setting no cookies');
is_deeply([set_cookies($r)], [
        "_ga=; $EPOCH",
        "_fbp=; $EPOCH",
        $FBP_TWO,
        "_ga_XYZ=; $EPOCH",
    ], 'each presented tracking cookie is expired, host-only for 127.0.0.1');
like($r->{headers}{vary} // '', qr/\bCookie\b/, 'expiring response: Vary');

$r = $t->get('/none', { Cookie => 'session=s; x=2' });
is_deeply([set_cookies($r)], [], 'nothing to expire: no Set-Cookie');
ok(!defined $r->{headers}{vary}, 'and no Vary');

$r = $t->get('/none', { Cookie => "$accept; _ga=1; _fbp=2" });
is_deeply([set_cookies($r)], [], 'with consent nothing is expired');

$r = $t->get('/', { Cookie => '_ga=old; session=old' });
my @sc = set_cookies($r);
is(scalar(grep { /^_ga=GA/ } @sc), 0, 'the backend _ga is stripped');
is(scalar(grep { $_ eq "_ga=; $EPOCH" } @sc), 1,
    'and the presented _ga expired, once');

# host names: parent domains up to the registrable one
my %hosts = (
    'www.shop.example.se' => [undef, 'shop.example.se', 'example.se'],
    'shop.example.se'     => [undef, 'example.se'],
    'a.b.example.co.uk'   => [undef, 'b.example.co.uk', 'example.co.uk'],
    'WWW.Example.SE'      => [undef, 'example.se'],
    'localhost'           => [undef],
    '10.0.0.1'            => [undef],
    '[::1]'               => [undef],
    'myshop.github.io'    => [undef],
    'co.uk'               => [undef],
);

for my $host (sort keys %hosts) {
    $r = $t->request('GET', '/none',
        { host => $host, headers => { Cookie => '_ga=1; session=2' } });
    my @want = map { "_ga=; $EPOCH" . (defined $_ ? "; Domain=$_" : '') }
        @{ $hosts{$host} };
    # a Domain= of the host itself may come in addition (see below), but
    # never for an IP, a single label or a public suffix
    my $self_domain = lc $host;
    my @got = grep {
        !(@{ $hosts{$host} } > 1 || $host eq 'myshop.github.io')
        || !/; Domain=\Q$self_domain\E$/
    } set_cookies($r);
    is_deeply(\@got, \@want, "Host $host: " . scalar(@want) . ' expiries');
}

{
    # RFC 6265 treats a host-only deletion as replacing a Domain=<host>
    # cookie, but browsers (Chromium, Firefox) store ".example.se" and
    # "example.se" apart: on a shop served at the apex, Google Analytics
    # ("cookie_domain: auto") sets _ga with Domain=example.se, which a
    # host-only deletion leaves in place.
    $r = $t->request('GET', '/none',
        { host => 'example.se', headers => { Cookie => '_ga=1' } });
    ok((grep { $_ eq "_ga=; $EPOCH; Domain=example.se" } set_cookies($r)),
        'Host example.se: _ga also expired with Domain=example.se');
}

# --- other kinds of response ---------------------------------------------------------

$r = $t->get('/ret', { Cookie => '_ga=1; session=2' });
is($r->{content}, "return cookie=[session=2]\n", 'location return');
is_deeply([set_cookies($r)], ["_ga=; $EPOCH"], 'location return: _ga expired');

$r = $t->request('GET', '/', { host => 'server-return',
    headers => { Cookie => '_ga=1; session=2; _fbp=3' } });
is($r->{content}, "server return\n", 'server-level return');
is_deeply([set_cookies($r)], ["_ga=; $EPOCH", "_fbp=; $EPOCH", $FBP_TWO],
    'server-level return: presented tracking cookies expired');
like($r->{headers}{vary} // '', qr/\bCookie\b/, 'server-level return: Vary');

$r = $t->request('GET', '/', { host => 'server-return-sets' });
is_deeply([set_cookies($r)], ['session=srv; Path=/'],
    'server-level return with add_header: _ga stripped');

$r = $t->get('/static/hello.txt', { Cookie => '_ga=1; session=2' });
is($r->{content}, "hello from disk\n", 'static file');
is_deeply([set_cookies($r)], ["_ga=; $EPOCH"], 'static file: _ga expired');
like($r->{headers}{vary} // '', qr/\bCookie\b/, 'static file: Vary');

# if_modified_since exact: the file's own time
my $mtime = http_date((stat($t->dir . '/www/static/hello.txt'))[9]);
$r = $t->get('/static/hello.txt', { Cookie => '_ga=1',
    'If-Modified-Since' => $mtime });
is($r->{status}, 304, 'static file: 304 Not Modified');
is_deeply([set_cookies($r)], ["_ga=; $EPOCH"], '304: _ga expired');

$r = $t->get('/missing/nothing-here', { Cookie => '_ga=1; session=2' });
is($r->{status}, 404, 'error_page 404 to a static page');
is($r->{content}, "custom not found\n", 'the custom 404 page');
is_deeply([set_cookies($r)],
    ['session=from-error-page; Path=/', "_ga=; $EPOCH"],
    '404 page: its _ga Set-Cookie stripped, the presented _ga expired');

$r = $t->get('/ep/x', { Cookie => '_ga=1; session=2; _fbp=3' });
is($r->{content}, "fallback cookie=[session=2]\n",
    'error_page = /fallback: the target sees the stripped header');
is_deeply([set_cookies($r)], ["_ga=; $EPOCH", "_fbp=; $EPOCH", $FBP_TWO],
    'cookies stripped before the redirect are expired in the final response');

$r = $t->get('/tf/x', { Cookie => '_ga=1; session=2' });
is($r->{content}, "fallback cookie=[session=2]\n", 'try_files fallback');
is_deeply([set_cookies($r)], ["_ga=; $EPOCH"], 'try_files: _ga expired');

$r = $t->get('/named/x', { Cookie => '_ga=1; session=2' });
is($r->{content}, "named cookie=[session=2]\n", 'error_page to a named location');
is_deeply([set_cookies($r)], ["_ga=; $EPOCH"], 'named location: _ga expired');

$r = $t->get('/xaccel', { Cookie => '_ga=1; session=2' });
is($r->{content}, "accel cookie=[session=2]\n", 'X-Accel-Redirect from upstream');
is_deeply([set_cookies($r)], ["_ga=; $EPOCH"], 'X-Accel-Redirect: _ga expired');

$r = $t->get('/ep-off/x', { Cookie => '_ga=1; session=2' });
is($r->{content}, "plain cookie=[session=2]\n",
    'error_page into a "privacy off" location: stripped before the redirect');
{
    is_deeply([set_cookies($r)], ["_ga=; $EPOCH"],
        'and the browser is told to drop what was stripped');
}

$r = $t->get('/ssi/page.html', { Cookie => '_ga=1; session=2' });
is($r->{content}, "before\nno cookies set\nafter\n", 'SSI page with include');
is_deeply([set_cookies($r)], ["_ga=; $EPOCH"], 'SSI page: _ga expired once');

$r = $t->get('/ssi/page.html');
is_deeply([set_cookies($r)], [], 'SSI page without cookies: no Set-Cookie');

# --- caches ----------------------------------------------------------------------------

$r = $t->get('/two/vary');
my @vary = ref $r->{headers}{vary} ? @{ $r->{headers}{vary} }
                                   : ($r->{headers}{vary} // ());
is_deeply(\@vary, ['Accept-Encoding, Cookie', 'Sec-GPC'],
    'a Vary that names Cookie already is not repeated; Sec-GPC is added');

$r = $t->get('/two/vary-any');
is($r->{headers}{vary}, '*', 'Vary: * says all already: nothing added');

$r = $t->get('/two/vary-gpc');
@vary = ref $r->{headers}{vary} ? @{ $r->{headers}{vary} }
                                : ($r->{headers}{vary} // ());
is_deeply(\@vary, ['Accept-Encoding,SEC-GPC;x', 'Cookie'],
    'a Vary naming Sec-GPC (any case, with parameters): only Cookie added');

$r = $t->get('/private-mixed');
is($r->{headers}{'cache-control'}, 'max-age=0, Private',
    'Cache-Control naming Private among others is left as it is');

$r = $t->get('/private/', { Cookie => '_ga=1' });
is($r->{headers}{'cache-control'}, 'private',
    'privacy_shared_cache private: Cache-Control: private');
ok(!defined $r->{headers}{vary}, 'and no Vary');

$r = $t->get('/private-nostore');
is($r->{headers}{'cache-control'}, 'no-store',
    'Cache-Control: no-store is left as it is');

$r = $t->get('/none');
ok(!defined $r->{headers}{vary} && !defined $r->{headers}{'cache-control'},
    'a response without cookies is left alone');

$r = $t->get('/off/', { Cookie => '_ga=1' });
is_deeply(names($r), [qw(_ga _fbp session)], 'privacy off: nothing stripped');
ok(!defined $r->{headers}{vary}, 'privacy off: no Vary added');

# --- $privacy_stripped covers the response --------------------------------------------

$t->get('/?logged', { Cookie => '_ga=1; session=2' });
my $line = wait_for_log(qr{^/\?logged stripped=(.*)$}m);
ok(defined $line, 'access log line written');
# issue 24.6: a name the request and the response both lose is listed once
is_deeply([sort split /,/, $line // ''], [sort qw(_ga _fbp)],
    '$privacy_stripped: the request _ga, then the response _fbp (_ga once)');

done_testing;
undef $t;

# --- helpers --------------------------------------------------------------------

# names of the cookies a response sets, in order
sub names {
    my ($res) = @_;
    return [map { /^\s*([^=;]*?)\s*=/ ? $1 : $_ } set_cookies($res)];
}

# posts a decision and returns "name=value" of the consent cookie
sub consent_cookie {
    my ($t, @form) = @_;
    my $res = $t->post('/privacy/consent', \@form);
    die "consent POST: $res->{status}\n" unless $res->{status} == 303;
    my ($c) = grep { /^privacy_consent=/ } set_cookies($res);
    die "no consent cookie\n" unless $c;
    $c =~ s/;.*//;
    return $c;
}

# an HTTP date, independent of the locale
sub http_date {
    my @g = gmtime $_[0];
    return sprintf '%s, %02d %s %04d %02d:%02d:%02d GMT',
        (qw(Sun Mon Tue Wed Thu Fri Sat))[$g[6]], $g[3],
        (qw(Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec))[$g[4]],
        $g[5] + 1900, @g[2, 1, 0];
}

sub wait_for_log {
    my ($re) = @_;
    my $end = time + 5;
    while (1) {
        my $log = '';
        if (open my $fh, '<', $t->dir . '/privacy.log') {
            local $/;
            $log = <$fh> // '';
        }
        return $1 if $log =~ $re;
        return undef if time > $end;
        sleep 0.05;
    }
}
