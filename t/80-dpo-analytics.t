#!/usr/bin/perl

# The DPO's analytics report (issue #22, docs/dpo-guide.md): a range of
# days read from the daily roll-ups, as HTML (with a chart), JSON and
# CSV; the k-threshold of privacy_report_min_visitors counted by
# visitors, not searches (a term of 2 visitors searched 20 times is
# absent from every format, one of 6 visitors is present); search terms
# and paths with markup, quotes, commas, line breaks and formulas inert
# in every format.

use strict;
use warnings;

use FindBin;
use lib "$FindBin::Bin/lib";

use POSIX ();
use Test::More;
use JSON::PP;
use PrivacyTest;
use Dpo;

my $HOST = 'shop.example';
my $DAY = 86400;

my $t = PrivacyTest->new;
Dpo->new($t);    # the DPO's htpasswd
$t->write_file('www/index.html', "<html><body>index</body></html>\n");
$t->config(<<"EOF");
    include /etc/nginx/mime.types;

    privacy_secret_file %%SECRET%%;
    privacy_db %%DB%%;

    server {
        listen 127.0.0.1:%%PORT%%;
        server_name $HOST;
        root %%DIR%%/www;

        location / {
            privacy on;
            privacy_analytics on;
        }

        auth_basic "DPO";
        auth_basic_user_file %%DIR%%/htpasswd;

        location /dpo/ {
            privacy_dpo;
        }

        location /strict/ {
            privacy_dpo;
            privacy_report_min_visitors 7;
        }
    }
EOF

sub get {
    my ($path) = @_;
    return $t->request('GET', $path, { host => $HOST,
        headers => { Dpo::auth() } });
}

sub day_of { POSIX::strftime('%Y-%m-%d', gmtime $_[0]) }

my $today = int(time / $DAY) * $DAY;
my $y = $today - $DAY;          # yesterday: rolled up at the next start
my $d3 = $today - 3 * $DAY;

my $EVIL_TERM = qq{=HYPERLINK("x"),<script>alert(1)</script>\nq 'a'};
my $EVIL_PATH = qq{/p/<script>alert(2)</script>,"b"};

$t->start;
$t->request('GET', '/index.html', { host => $HOST });
ok($t->wait_for(sub {
    $t->sqlite('SELECT count(*) AS n FROM analytics_events')->[0]{n}
}), 'the register exists');
$t->stop;

my @rows;
# "rarename": 20 searches by 2 visitors; "skruv": 6 visitors, once each
push @rows, [$y + 100 + $_, '/search', 'rarename', 'rare' . ($_ % 2)]
    for 1 .. 20;
push @rows, [$y + 200 + $_, '/search', 'skruv', "s$_"] for 1 .. 6;
push @rows, [$y + 300 + $_, '/search', $EVIL_TERM, "e$_"] for 1 .. 6;
push @rows, [$y + 400 + $_, $EVIL_PATH, undef, "p$_"] for 1 .. 3;
push @rows, [$d3 + 100 + $_, '/old', undef, "o$_"] for 1 .. 4;
# referrers: 6 visitors from one site, 2 visitors (4 views) from another
push @rows, [$y + 500 + $_, '/', undef, "r$_", 'search.example'] for 1 .. 6;
push @rows, [$y + 600 + $_, '/', undef, 'b' . ($_ % 2), 'anna-blog.example']
    for 1 .. 4;
$t->sqlite_do('INSERT INTO analytics_events (id, ts, host, path, status,'
    . ' search_term, visitor, referrer_host, identified)'
    . ' VALUES (' . $PrivacyTest::EVENT_ID
    . ', ?1, ?, ?, 200, ?, ?, ?, 0)',
    $_->[0], $HOST, @$_[1 .. 3], $_->[4]) for @rows;

# worker 0 rolls up every finished day at start
$t->start;
ok($t->wait_for(sub {
    $t->sqlite('SELECT count(*) AS n FROM analytics_daily_searches'
        . ' WHERE day = ?', day_of($y))->[0]{n} >= 3
}, 30), 'the days are rolled up');

my $range = 'from=' . day_of($d3 - $DAY) . '&to=' . day_of($y);

my $r = get("/dpo/analytics.json?$range");
is($r->{status}, 200, 'analytics.json');
my $j = decode_json($r->{content});
is($j->{from}, day_of($d3 - $DAY), 'from');
is($j->{to}, day_of($y), 'to');
is($j->{min_visitors}, 5, 'the default threshold');
is(scalar @{ $j->{days} }, 4, 'every day of the range');
my ($dy) = grep { $_->{day} eq day_of($y) } @{ $j->{days} };
is($dy->{page_views}, 45, 'page views of a day');
is($dy->{searches}, 32, 'searches of a day');
my ($dz) = grep { $_->{day} eq day_of($d3 + $DAY) } @{ $j->{days} };
is($dz->{page_views}, 0, 'a day without page views counts 0');

my %terms = map { $_->{term} => $_ } @{ $j->{top_search_terms} };
is_deeply($terms{skruv}, { term => 'skruv', searches => 6, visitors => 6 },
    'a term of 6 visitors is shown');
ok(!exists $terms{rarename}, 'a term of 2 visitors (20 searches) is not');
is_deeply($j->{rare_terms}, { terms => 1, searches => 20 },
    'it is counted among the rare terms');
ok(exists $terms{$EVIL_TERM}, 'the hostile term round-trips in JSON');
unlike($r->{content}, qr/<script|rarename/, 'JSON: no markup, no rare term');
my ($p) = grep { $_->{path} eq $EVIL_PATH } @{ $j->{top_pages} };
is($p->{page_views}, 3, 'top pages');
is_deeply($j->{top_referrer_hosts}, [{ referrer_host => 'search.example',
    page_views => 6, visitors => 6 }],
    'a referrer host of 6 visitors is shown');
is_deeply($j->{rare_referrer_hosts}, { hosts => 1, page_views => 4 },
    'one of 2 visitors is counted, not named');
unlike($r->{content}, qr/anna-blog/, 'JSON: no rare referrer host');
is($t->sqlite('SELECT sum(page_views) AS n FROM analytics_daily_referrers'
    . ' WHERE day = ?', day_of($y))->[0]{n}, 10,
    'the referrers are rolled up per day');

$r = get("/dpo/analytics.html?$range&lang=en");
is($r->{status}, 200, 'analytics.html');
like($r->{content}, qr{<svg [^>]*role="img" aria-labelledby="views-t views-d"},
    'an inline SVG chart as an image');
like($r->{content}, qr{<desc id="views-d">49 page views from \S+ to \S+, most on \S+ \(45\)\.},
    'with a text alternative');
like($r->{content}, qr{<td>skruv</td>}, 'the shown term');
unlike($r->{content}, qr/rarename/, 'HTML: no rare term');
unlike($r->{content}, qr/<script>alert/, 'HTML: no live markup');
like($r->{content}, qr{&lt;script&gt;alert\(1\)&lt;/script&gt;},
    'HTML: the term escaped');
like($r->{content}, qr{/p/&lt;script&gt;alert\(2\)&lt;/script&gt;,&quot;b&quot;},
    'HTML: the path escaped');
like($r->{content}, qr{<strong>1 rare terms</strong> \(20 searches\)},
    'the rare terms in words');
like($r->{content}, qr{<td>search\.example</td>}, 'the referrer host shown');
like($r->{content}, qr{<strong>1 rare hosts</strong> \(4 page views\)},
    'the rare referrer hosts in words');
unlike($r->{content}, qr/anna-blog/, 'HTML: no rare referrer host');
like($r->{content}, qr{href="analytics\.csv\?from=}, 'the exports keep the range');

$r = get("/dpo/analytics.csv?$range&table=top_search_terms");
like($r->{content}, qr/^\xef\xbb\xbf"term","searches","visitors"\r\n/,
    'CSV: a header row');
like($r->{content}, qr/\r\n"skruv",6,6\r\n/, 'CSV: the shown term');
like($r->{content},
    qr/"'=HYPERLINK\(""x""\),<script>alert\(1\)<\/script>\nq 'a'",6,6/,
    'CSV: the hostile term quoted and neutralised');
unlike($r->{content}, qr/rarename/, 'CSV: no rare term');
$r = get("/dpo/analytics.csv?$range&table=top_pages");
like($r->{content}, qr{"/p/<script>alert\(2\)</script>,""b""",3,3},
    'CSV: the path quoted');
$r = get("/dpo/analytics.csv?$range");
like($r->{content}, qr/^\xef\xbb\xbf"day","page_views","visitors","searches"/,
    'CSV: the days by default');

# the threshold is the location's: 7 hides the term of 6 visitors
$j = decode_json(get("/strict/analytics.json?$range")->{content});
is($j->{min_visitors}, 7, 'privacy_report_min_visitors 7');
is(scalar @{ $j->{top_search_terms} }, 0, 'no term reaches 7 visitors');
is($j->{rare_terms}{terms}, 3, 'all three are rare there');

# the range is checked
is(get('/dpo/analytics.json?from=2026-02-30')->{status}, 400,
    'a day that does not exist: 400');
is(get('/dpo/analytics.json?from=x')->{status}, 400, 'not a day: 400');
$r = get('/dpo/analytics.json');
is($r->{status}, 200, 'without a range');
$j = decode_json($r->{content});
is($j->{to}, day_of($y), 'the last 30 days, to yesterday');
is($j->{from}, day_of($y - 29 * $DAY), 'from 29 days before');

$t->stop;
unlike($t->error_log, qr/\[error\].*privacy/,
    'no errors of the module logged');

done_testing();
