#!/usr/bin/perl

# The DPO's dashboard (issue #22, docs/dpo-guide.md): access through
# nginx's own auth_basic and allow/deny, the overview, the retention
# report in HTML, JSON and CSV, "sweep now" and its dry run from the
# page's form, CSRF refusals (another Origin, no token, another
# browser's token), and values from the register rendered inert in every
# format.

use strict;
use warnings;

use FindBin;
use lib "$FindBin::Bin/lib";

use MIME::Base64 qw(encode_base64);
use Test::More;
use JSON::PP;
use PrivacyTest;
use Dpo;

my $HOST = 'shop.example';
my $DAY = 86400;

my $t = PrivacyTest->new;
my $dpo = Dpo->new($t, host => $HOST);
$t->write_file('www/index.html', "<html><body>index</body></html>\n");
$t->config(<<"EOF");
    include /etc/nginx/mime.types;

    privacy_secret_file %%SECRET%%;
    privacy_db %%DB%%;
    privacy_retention analytics 30d;
    privacy_retention consent 13M;
    privacy_retention customer 3y;
    privacy_sweep_interval 1h;

    server {
        listen 127.0.0.1:%%PORT%%;
        server_name $HOST;
        root %%DIR%%/www;

        location / {
            privacy on;
            privacy_analytics on;
        }

        location /dpo/ {
            allow 127.0.0.1;
            deny all;
            auth_basic "DPO";
            auth_basic_user_file %%DIR%%/htpasswd;
            privacy_dpo;
        }

        location /closed/ {
            deny all;
            privacy_dpo;
        }
    }
EOF

sub json_of {
    my ($path) = @_;
    my $r = $dpo->get($path);
    return $r->{status} == 200 ? decode_json($r->{content}) : undef;
}

sub category {
    my ($j, $name) = @_;
    my ($c) = grep { $_->{category} eq $name } @{ $j->{categories} };
    return $c;
}

# the first start creates the register and sweeps once (nothing is old)
$t->start;
$t->request('GET', '/index.html', { host => $HOST });
ok($t->wait_for(sub {
    $t->sqlite('SELECT count(*) AS n FROM sweeps WHERE finished IS NOT NULL')
        ->[0]{n}
}, 30), 'the first sweep ran at start');
ok($t->wait_for(sub {
    $t->sqlite('SELECT count(*) AS n FROM analytics_events')->[0]{n}
}), 'the first page view is written');
$t->stop;

# 40 page views past the 30 days, 3 within them
my $old = int(time / $DAY) * $DAY - 40 * $DAY + 3600;
$t->sqlite_do('INSERT INTO analytics_events (id, ts, host, path, status,'
    . ' visitor, identified) VALUES (' . $PrivacyTest::EVENT_ID
    . ', ?1, ?, ?, 200, ?, 0)',
    $old + $_, $HOST, '/old', sprintf('v%031d', $_)) for 1 .. 40;
$t->sqlite_do('INSERT INTO analytics_events (id, ts, host, path, status,'
    . ' visitor, identified) VALUES (' . $PrivacyTest::EVENT_ID
    . ', ?1, ?, ?, 200, ?, 0)',
    time - $_ * 3600, $HOST, '/new', sprintf('n%031d', $_)) for 1 .. 3;

$t->start;

# --- access: nginx's own access phase runs before the handler -------------

my $r = $t->request('GET', '/dpo/', { host => $HOST });
is($r->{status}, 401, 'no credentials: 401');
like($r->{headers}{'www-authenticate'} // '', qr/Basic/, 'asks for them');
$r = $t->request('GET', '/dpo/retention.json', { host => $HOST,
    headers => { Authorization => 'Basic ' . encode_base64('dpo:no', '') } });
is($r->{status}, 401, 'a wrong password: 401');
$r = $t->request('GET', '/closed/retention.json', { host => $HOST });
is($r->{status}, 403, 'a denied address: 403');
unlike($r->{content}, qr/categories/, 'and no report');

# --- the overview ---------------------------------------------------------

$r = $dpo->get('');
is($r->{status}, 200, 'the overview');
like($r->{headers}{'content-type'}, qr{^text/html}, 'as HTML');
like($r->{headers}{'content-security-policy'} // '', qr/default-src 'none'/,
    'under a strict CSP');
like($r->{content}, qr{<span class="big">40</span> rader har passerat},
    'overdue rows at a glance (Swedish by default)');
like($r->{content}, qr{<nav aria-label="Rapporter">}, 'with navigation');
unlike($r->{content}, qr/<script/i, 'and no script');
$r = $dpo->get('index.html?lang=en');
like($r->{content}, qr{<span class="big">40</span> rows are past},
    'in English');
my $ov = json_of('index.json');
my ($item) = grep { $_->{item} eq 'overdue_rows' } @{ $ov->{attention} };
is($item->{count}, 40, 'index.json: overdue_rows');
is($ov->{incident_hours_left}, undef, 'no open incident');

# --- retention in each format ---------------------------------------------

my $j = json_of('retention.json');
ok($j, 'retention.json is JSON');
my $an = category($j, 'analytics');
is($an->{retention}, '30d', 'the period as configured');
is($an->{rows}, 44, 'rows held (with the first view)');
is($an->{overdue}, 40, 'rows past the period');
like($an->{oldest}, qr/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/,
    'the oldest in RFC 3339');
ok(category($j, 'consent'), 'consent is listed');
ok(category($j, 'customer'), 'a register category configured is listed');
is($j->{overdue}, 40, 'the total');
ok(scalar @{ $j->{sweeps} } >= 1, 'the sweep history');

$r = $dpo->get('retention.html?lang=en');
is($r->{status}, 200, 'retention.html');
like($r->{content}, qr{<th scope="col" class="n">Overdue</th>},
    'a table with headers');
like($r->{content}, qr{<td class="n alert">40</td>}, 'overdue flagged');
my ($token, $csrf) = $dpo->form($r);
ok($token, 'the form carries a token');
ok($csrf, 'bound to a cookie');
like(set_cookie_map($r)->{privacy_dpo_csrf},
    qr{Path=/dpo/; HttpOnly; SameSite=Strict}, 'scoped to the dashboard');

$r = $dpo->get('retention.csv');
is($r->{status}, 200, 'retention.csv');
like($r->{headers}{'content-type'}, qr{^text/csv; charset=utf-8},
    'as UTF-8 CSV');
like($r->{headers}{'content-disposition'},
    qr{attachment; filename="retention.csv"}, 'to download');
like($r->{content}, qr/^\xef\xbb\xbf"category","retention","swept","rows",/,
    'a byte order mark and a header row');
like($r->{content}, qr/\r\n"analytics","30d",1,44,[^,]+,[^,]+,40,/,
    'a row per category, CRLF');
$r = $dpo->get('retention.csv?table=sweeps');
like($r->{content}, qr/^\xef\xbb\xbf"started","finished","dry_run"/,
    'another table by name');
is($dpo->get('retention.csv?table=nope')->{status}, 404, 'an unknown table: 404');
is($dpo->get('nope.html')->{status}, 404, 'an unknown report: 404');
is($dpo->get('retention.xml')->{status}, 404, 'an unknown format: 404');

# --- POSTs: Origin and token ----------------------------------------------

my $sweeps = sub {
    $t->sqlite('SELECT count(*) AS n FROM sweeps')->[0]{n}
};
my $before = $sweeps->();

$r = $dpo->post('sweep', "token=$token", Origin => 'http://evil.example');
is($r->{status}, 403, 'a cross-site POST is refused');
$r = $dpo->post('sweep', 'dry_run=0');
is($r->{status}, 403, 'a POST without the token is refused');
$r = $dpo->post('sweep', "token=$token", Cookie => 'privacy_dpo_csrf=' . ('A' x 24));
is($r->{status}, 403, 'the token of another browser is refused');
$r = $t->request('POST', '/dpo/sweep', { host => $HOST,
    headers => { Origin => "http://$HOST", Cookie => $csrf,
        'Content-Type' => 'application/x-www-form-urlencoded' },
    content => "token=$token" });
is($r->{status}, 401, 'a POST without credentials never reaches the handler');
sleep 2;
is($sweeps->(), $before, 'none of them swept');
is(category(json_of('retention.json'), 'analytics')->{overdue}, 40,
    'nothing was deleted');

# a dry run counts and keeps
$r = $dpo->post('sweep', "token=$token&dry_run=1");
is($r->{status}, 303, 'a dry run: See Other');
like($r->{headers}{location}, qr{/dpo/retention\.html$}, 'to the report');
ok($t->wait_for(sub {
    $t->sqlite('SELECT count(*) AS n FROM sweeps WHERE dry_run = 1'
        . ' AND finished IS NOT NULL')->[0]{n}
}, 20), 'a dry run was recorded');
is_deeply($t->sqlite('SELECT c.examined, c.deleted FROM sweep_categories c'
    . ' JOIN sweeps s ON s.id = c.sweep_id WHERE s.dry_run = 1'
    . " AND c.category = 'analytics'"),
    [{ examined => 40, deleted => 0 }], 'it counted 40 and deleted none');
is(category(json_of('retention.json'), 'analytics')->{overdue}, 40,
    'still 40 overdue');

# the real sweep
$r = $dpo->post('sweep', "token=$token");
is($r->{status}, 303, 'a sweep: See Other');
my $after = $t->wait_for(sub {
    my $j = json_of('retention.json');
    my $c = $j && category($j, 'analytics');
    $c && $c->{overdue} == 0 && defined $c->{deleted} && $c->{deleted} == 40
        ? $j : undef;
}, 30);
ok($after, 'after the sweep: 0 overdue, 40 deleted');
is(category($after, 'analytics')->{rows}, 4, 'the recent rows stay');
my ($last) = grep { !$_->{dry_run} && $_->{category} eq 'analytics' }
    @{ $after->{sweeps} };
is($last->{deleted}, 40, 'the history shows what it deleted');
like($t->error_log, qr/the DPO asked for a retention sweep,/,
    'the request is logged');

# --- values from the register are inert in every format -------------------

my $EVIL = qq{=HYPERLINK("http://x"),<script>alert(1)</script>\n"q" 'a'};
$t->sqlite_do('INSERT INTO subjects (subject_id, external_id, created,'
    . ' updated) VALUES (?, ?, 0, 0)', 'ab' x 16, 'x1');
$t->sqlite_do('INSERT INTO holds (subject, reason, created, until)'
    . ' SELECT id, ?, 0, ? FROM subjects', $EVIL, time + $DAY);

$r = $dpo->get('retention.html');
unlike($r->{content}, qr/<script>alert/, 'HTML: no live markup');
like($r->{content}, qr/=HYPERLINK\(&quot;http:\/\/x&quot;\),&lt;script&gt;/,
    'HTML: escaped');
$r = $dpo->get('retention.json');
unlike($r->{content}, qr/<script>/, 'JSON: no markup characters');
is(scalar(grep { $_->{reason} eq $EVIL }
    @{ decode_json($r->{content})->{holds} }), 1,
    'JSON: the value round-trips');
$r = $dpo->get('retention.csv?table=holds');
like($r->{content},
    qr/"'=HYPERLINK\(""http:\/\/x""\),<script>alert\(1\)<\/script>\n""q"" 'a'"/,
    'CSV: quoted, quotes doubled, the formula neutralised');

$t->stop;
unlike($t->error_log, qr/\[error\].*privacy/,
    "no errors of the module logged");

done_testing();
