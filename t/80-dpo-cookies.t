#!/usr/bin/perl

# The paths and domains of the DPO's cookie report (issue #22,
# docs/dpo-guide.md, docs/database.md "cookie_scopes"): the Path and
# Domain of a backend's Set-Cookies are recorded per cookie name,
# normalised (a leading '.' dropped, lower-cased, bytes outside visible
# ASCII written %XX, long values cut), a few per name, once per worker;
# an absent one is named; hostile values are inert in every format.

use strict;
use warnings;
use utf8;

use FindBin;
use lib "$FindBin::Bin/lib";

use Test::More;
use JSON::PP;
use PrivacyTest;
use Dpo;

my $HOST = 'shop.example';
my $LONG = '/' . ('x' x 100);

# a backend giving one cookie ever new paths (a per-user Path, say)
my $many = join '', map {
    qq{            add_header Set-Cookie "many=1; Path=/u/$_";\n}
} 1 .. 12;

my $t = PrivacyTest->new;
my $dpo = Dpo->new($t, host => $HOST);
$t->config(<<"EOF");
    privacy_secret_file %%SECRET%%;
    privacy_db %%DB%%;
    privacy_cookie statistics '^_ga\$';
    privacy_unclassified keep;

    # the backend: its Set-Cookies are what the module records
    server {
        listen 127.0.0.1:%%PORT_2%%;
        privacy off;

        location = /a {
            add_header Set-Cookie "_ga=1; Path=/; Domain=.Shop.EXAMPLE";
            add_header Set-Cookie "_ga=2; Path=/shop/; Max-Age=60";
            add_header Set-Cookie "cart=1; HttpOnly";
            add_header Set-Cookie "cart=2; Path=relative; Domain=";
            return 200 "a\\n";
        }

        location = /hostile {
            add_header Set-Cookie 'evil=1; Path=/<script>alert(1)</script>,"q"';
            add_header Set-Cookie "evil=2; Path=/a b\tc";
            add_header Set-Cookie "dom=1; Domain=-cmd|calc<b>";
            add_header Set-Cookie "long=1; Path=$LONG";
            return 200 "hostile\\n";
        }

        location = /many {
$many            return 200 "many\\n";
        }

        location = /later {
            add_header Set-Cookie "later=1; Path=/later";
            return 200 "later\\n";
        }
    }

    server {
        listen 127.0.0.1:%%PORT%%;
        server_name $HOST;

        location / {
            privacy on;
            proxy_pass http://127.0.0.1:%%PORT_2%%;
        }

@{[ $dpo->location ]}    }
EOF
$t->start;

sub scopes {
    my ($name) = @_;
    return [ map { [ $_->{path}, $_->{domain} ] } @{ $t->sqlite(
        'SELECT path, domain FROM cookie_scopes WHERE name = ?'
        . ' ORDER BY path, domain', $name) } ];
}

for my $p (qw(/a /hostile /many /a /hostile /many)) {
    is($t->request('GET', $p, { host => $HOST })->{status}, 200, "GET $p");
}

ok($t->wait_for(sub {
    $t->sqlite("SELECT count(*) AS n FROM cookie_scopes WHERE name = 'long'")
        ->[0]{n} == 1
}), 'the scopes were recorded');

# --- the register ----------------------------------------------------------

is_deeply(scopes('_ga'), [['/', 'shop.example'], ['/shop/', '']],
    'Path and Domain, the leading dot dropped, lower-cased');
is_deeply(scopes('cart'), [['', '']],
    'no Path, a relative one, an empty Domain: all absent');
is_deeply(scopes('evil'),
    [['/<script>alert(1)</script>,"q"', ''], ['/a%20b%09c', '']],
    'a path as set, bytes outside visible ASCII written %XX');
is_deeply(scopes('dom'), [['', '-cmd%7Ccalc%3Cb%3E']],
    'a domain: bytes a host name lacks written %XX');
is_deeply(scopes('long'), [[substr($LONG, 0, 61) . '...', '']],
    'a long path cut to 64 bytes');
is(scalar @{ scopes('many') }, 8, 'a few scopes per name, not twelve');
is($t->sqlite("SELECT count(*) AS n FROM cookie_scopes WHERE name = 'many'"
    . " AND path NOT GLOB '/u/*'")->[0]{n}, 0, 'each of them as set');

# once per worker: a scope deleted from the register is not told again by
# the worker that met it; one it has not met is (and comes after it)
$t->sqlite_do("DELETE FROM cookie_scopes WHERE name = '_ga'");
$t->request('GET', '/a', { host => $HOST });
$t->request('GET', '/later', { host => $HOST });
ok($t->wait_for(sub {
    $t->sqlite("SELECT count(*) AS n FROM cookie_scopes WHERE name = 'later'")
        ->[0]{n} == 1
}), 'a new scope is recorded');
is_deeply(scopes('_ga'), [], 'a known one is not written again');

# --- the report --------------------------------------------------------------

my $j = $dpo->json('cookies.json?lang=en');
my %c = map { $_->{name} => $_ } @{ $j->{cookies} };
is($c{later}{paths}, '/later', 'JSON: the path');
is($c{later}{domains}, '(host)', 'JSON: no Domain, a host-only cookie');
is($c{cart}{paths}, '(default)', 'JSON: no Path, the default');
is($c{evil}{paths}, '/<script>alert(1)</script>,"q" /a%20b%09c',
    'JSON: the paths round-trip, space-separated');
is($c{dom}{domains}, '-cmd%7Ccalc%3Cb%3E', 'JSON: the domain');
is($c{many}{paths}, join(' ', sort map { "/u/$_" } 1 .. 8),
    'JSON: eight paths') or diag explain $c{many};

$j = $dpo->json('cookies.json?lang=sv');
%c = map { $_->{name} => $_ } @{ $j->{cookies} };
is($c{cart}{paths}, '(standard)', 'JSON in Swedish: no Path');
is($c{cart}{domains}, '(värd)', 'JSON in Swedish: no Domain');

my $r = $dpo->get('cookies.html?lang=en');
is($r->{status}, 200, 'cookies.html');
unlike($r->{content}, qr/<script>alert/, 'HTML: no live markup');
like($r->{content},
    qr{/&lt;script&gt;alert\(1\)&lt;/script&gt;,&quot;q&quot; /a%20b%09c},
    'HTML: the paths escaped');
like($r->{content}, qr{<th[^>]*>Paths</th>}, 'HTML: a Paths column');
like($r->{content}, qr{<th[^>]*>Domains</th>}, 'HTML: a Domains column');
unlike($r->{content}, qr/are not recorded/, 'the page no longer says so');

$r = $dpo->get('cookies.csv');
like($r->{content},
    qr/^\xef\xbb\xbf"name","category","unclassified","first_seen",/,
    'CSV: the header row');
like($r->{content}, qr/,"sightings","paths","domains","suggested_pattern"/,
    'CSV: paths and domains');
like($r->{content}, qr/"'-cmd%7Ccalc%3Cb%3E"/, 'CSV: the formula neutralised');
like($r->{content}, qr{"/<script>alert\(1\)</script>,""q"" /a%20b%09c"},
    'CSV: the paths quoted');

$t->stop;
done_testing;
