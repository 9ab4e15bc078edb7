#!/usr/bin/perl

# Issue #3, analytics under legitimate interest (SPEC §5): one row in
# analytics_events per page view of a "privacy_analytics on" scope, with
# the path but never the query string, the referring host only for other
# sites, a scrubbed search term, and a daily pseudonym (or the consent id of
# a visitor who consented to statistics) instead of any address; no rows
# for bots, static assets, subrequests or visitors who objected; nothing
# lost when several workers write, at reload or at stop; daily roll-ups of
# finished days.
#
# Events reach the database asynchronously (a batch per second per
# worker).  With one worker they are written in the order they were made,
# so "nothing was written for X" is checked by making X, then a counted
# "sentinel" request, and waiting (bounded) for the sentinel's row: once it
# is there, every earlier event is too.
#
# Every request names a host (shop.example): the Host of a plain test
# request would be 127.0.0.1, and the database is searched for that string
# to prove no client address is ever stored.

use strict;
use warnings;

use FindBin;
use lib "$FindBin::Bin/lib";

use IO::Socket::INET;
use POSIX ();
use Time::HiRes qw(sleep time);
use Test::More;
use DBI;
use DBD::SQLite;
use PrivacyTest;
use RegisterFile;

my $HOST = 'shop.example';
my $UA = 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 '
    . 'Firefox/128.0 PrivacyTestBrowser/20';
my $UA2 = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 '
    . '(KHTML, like Gecko) Version/17.5 Safari/605.1.15 PrivacyTestOther/20';

my $t = PrivacyTest->new;

$t->write_file('www/index.html', "<html><body>index</body></html>\n");
$t->write_file('www/page.html', "<html><body>page</body></html>\n");
$t->write_file('www/404.html', "<html><body>not here</body></html>\n");
$t->write_file('www/ssi.html',
    "<html><body>a<!--# include virtual=\"/part.html\" -->b"
    . "<!--# include virtual=\"/page.html\" --></body></html>\n");
$t->write_file('www/part.html', "<p>part</p>\n");
$t->write_file('www/img/logo.png', "\x89PNG\r\n\x1a\n" . ("\0" x 32));
$t->write_file('www/css/site.css', "body { color: black }\n");
$t->write_file('www/js/app.js', "console.log(1);\n");
$t->write_file('www/notes.txt', "plain text\n");
$t->write_file('www/all/logo.png', "\x89PNG\r\n\x1a\n" . ("\0" x 32));
$t->write_file('www/all/site.css', "body { color: red }\n");

$t->config(<<'EOF');
    include /etc/nginx/mime.types;

    privacy_secret_file %%SECRET%%;
    privacy_db %%DB%%;
    privacy_cookie statistics '^_ga';
    privacy_cookie marketing '^_fbp$';
    privacy_cookie necessary '^session$';

    %%BACKEND%%

    server {
        listen 127.0.0.1:%%PORT%%;
        server_name shop.example;
        root %%DIR%%/www;

        privacy on;
        privacy_analytics on;

        error_page 404 /404.html;

        location / {
            index index.html;
        }

        location /ssi/ {
            ssi on;
            alias %%DIR%%/www/;
        }

        location /try/ {
            try_files /nonexistent.html /page.html =404;
        }

        location /all/ {
            privacy_analytics_types *;
        }

        location /pngs/ {
            privacy_analytics_types image/png;
            alias %%DIR%%/www/;
        }

        location /html {
            default_type text/html;
            return 200 "<html><body>$uri</body></html>\n";
        }

        location /find {
            default_type text/html;
            privacy_analytics_search_args s query;
            return 200 "<html><body>found</body></html>\n";
        }

        location /gpc/ {
            default_type text/html;
            privacy_analytics_gpc on;
            return 200 "<html><body>gpc</body></html>\n";
        }

        location /proxied {
            proxy_pass http://127.0.0.1:%%BACKEND_PORT%%/html;
        }

        location /notcounted/ {
            default_type text/html;
            privacy_analytics off;
            return 200 "<html><body>off</body></html>\n";
        }

        location /privacy/ {
            privacy_analytics off;
            privacy_portal;
        }
    }
EOF

$t->start;

my $seq = 0;

# --- one event per page view ------------------------------------------------

page('/page.html');
my $row = wait_row('/page.html');
ok($row, 'a page view is written');
is($row->{host}, $HOST, 'host');
is($row->{status}, 200, 'status');
like($row->{visitor}, qr/^[0-9a-f]{32}$/, 'visitor is a 32-hex pseudonym');
is($row->{consent_id}, undef, 'no consent id without consent');
is($row->{referrer_host}, undef, 'no referrer');
is($row->{search_term}, undef, 'no search term');
ok(abs($row->{ts} - time) < 120, 'ts is now');
my @g = gmtime $row->{ts};
is($row->{day}, sprintf('%04d-%02d-%02d', $g[5] + 1900, $g[4] + 1, $g[3]),
    'day is the UTC date of ts');

# the sentinel proves every earlier event has been written
sub counted_since {
    my ($mark, $where, @bind) = @_;
    my $s = sentinel();
    my $r = $t->sqlite("SELECT coalesce(sum(views), 0) AS n"
        . " FROM analytics_events WHERE id > ? AND id < ? AND ($where)",
        $mark, $s, @bind);
    return $r->[0]{n};
}

# index and try_files redirect internally; error_page too
my $mark = last_id();
page('/');
is(counted_since($mark, '1'), 1, 'index: one event');
like(rows_since($mark)->[0]{path}, qr{^/(index\.html)?$},
    'index: the path is the one requested or the one served');

$mark = last_id();
page('/try/anything');
is(counted_since($mark, '1'), 1, 'try_files: one event');

$mark = last_id();
my $r = page('/no/such/page.html');
is($r->{status}, 404, 'missing page is 404');
is(counted_since($mark, '1'), 1, 'error_page 404 /404.html: one event');
is(rows_since($mark)->[0]{status}, 404, 'error_page: status 404 recorded');
note('error_page event path: ' . rows_since($mark)->[0]{path});

# SSI includes are subrequests: one event for the page, none for the parts
$mark = last_id();
$r = page('/ssi/ssi.html');
like($r->{content}, qr{a<p>part</p>\nb<html><body>page}, 'SSI page assembled');
is(counted_since($mark, '1'), 1, 'SSI page with two includes: one event');
is(rows_since($mark)->[0]{path}, '/ssi/ssi.html', 'SSI: the page, not a part');

# a proxied text/html page is counted
$mark = last_id();
page('/proxied');
is(counted_since($mark, "path = '/proxied'"), 1, 'proxied page counted');

# privacy_analytics off
$mark = last_id();
page('/notcounted/x');
page('/privacy/consent');
is(counted_since($mark, '1'), 0, 'privacy_analytics off: nothing');

# --- what is counted: types ---------------------------------------------------

$mark = last_id();
is(page('/img/logo.png')->{status}, 200, 'png served');
is(page('/css/site.css')->{status}, 200, 'css served');
is(page('/js/app.js')->{status}, 200, 'js served');
is(page('/notes.txt')->{status}, 200, 'text/plain served');
is(counted_since($mark, '1'), 0, 'images, css, js, text/plain not counted');

$mark = last_id();
page('/all/logo.png');
page('/all/site.css');
is(counted_since($mark, "path IN ('/all/logo.png', '/all/site.css')"), 2,
    'privacy_analytics_types *: png and css counted');

# each worker remembers the answer for the last content type: the same
# type under other lists, and other types under the same list, interleaved;
# text/html is always in the list, as in gzip_types
$mark = last_id();
page($_) for qw(/img/logo.png /all/logo.png /pngs/img/logo.png /img/logo.png
                /pngs/css/site.css /page.html /pngs/img/logo.png /css/site.css
                /all/site.css /pngs/page.html);
# (sorted: two identical views of one second are one row, views = 2)
is_deeply([sort map { $_->{path} } @{ rows_since($mark) }],
    [sort qw(/all/logo.png /pngs/img/logo.png /page.html /pngs/img/logo.png
             /all/site.css /pngs/page.html)],
    'types and lists interleaved: each answer as the list says');

# WAL checkpoints work: within seconds the page views are in the database
# file itself, not only in its write-ahead log (immutable=1 reads the file
# and ignores the log)
sub in_file {
    my ($path) = @_;
    my $dbh = DBI->connect('dbi:SQLite:dbname=file:' . $t->db . '?immutable=1',
        '', '', { RaiseError => 1, PrintError => 0,
                  sqlite_open_flags => DBD::SQLite::OPEN_READONLY()
                                       | DBD::SQLite::OPEN_URI() });
    # before the first checkpoint the file does not even hold the table
    my ($n) = eval { $dbh->selectrow_array(
        'SELECT sum(views) FROM analytics_events WHERE path = ?', undef,
        $path) };
    $dbh->disconnect;
    return $n // 0;
}
page('/html/checkpointed') for 1 .. 5;
ok($t->wait_for(sub { in_file('/html/checkpointed') == 5 }),
   'page views reach the database file (checkpointed)');

# --- the path, never the query string ----------------------------------------

$mark = last_id();
page('/html/landing?utm_source=newsletter&email=anna%40example.se&id=4711');
page('/html/caf%C3%A9');
my $rows = rows_since($mark);
is($rows->[0]{path}, '/html/landing', 'query string dropped');
is($rows->[1]{path}, "/html/caf\xc3\xa9", 'path stored decoded (UTF-8)');
is($rows->[0]{search_term}, undef, 'no search term without q');

# --- referrer ----------------------------------------------------------------

$mark = last_id();
page('/html/r1', { Referer => 'https://www.Google.SE/search?q=secret+stuff' });
page('/html/r2', { Referer => "http://$HOST/html/other?x=1" });
page('/html/r3', { Referer => "https://$HOST:8443/somewhere" });
page('/html/r4', { Referer => 'https://user:pw@evil.example/' });
page('/html/r5', { Referer => 'android-app://com.google.android.gm/' });
page('/html/r6', { Referer => 'garbage' });
page('/html/r7', { Referer => 'https://user@evil.example/' });
$rows = by_path(rows_since($mark));
is($rows->{'/html/r1'}{referrer_host}, 'www.google.se',
    'other site: its host only, lower-cased');
is($rows->{'/html/r2'}{referrer_host}, undef, 'same site: no referrer');
is($rows->{'/html/r3'}{referrer_host}, undef, 'same site other port: none');
{
    # userinfo with a password: the ':' must not end the host scan early
    is($rows->{'/html/r4'}{referrer_host}, undef,
        'credentials user:pw@: nothing kept')
        or diag('stored: ' . ($rows->{'/html/r4'}{referrer_host} // 'NULL'));
}
is($rows->{'/html/r7'}{referrer_host}, undef, 'credentials user@: nothing kept');
is($rows->{'/html/r5'}{referrer_host}, 'com.google.android.gm',
    'app referrer: its host');
is($rows->{'/html/r6'}{referrer_host}, undef, 'no scheme: nothing');
is(scalar keys %$rows, 7, 'seven referrer rows');

# --- search terms ------------------------------------------------------------

$mark = last_id();
page('/html/search?q=Anna+Svensson+anna.s%40example.se+19811218-9876');
page('/html/search?page=2&q=%20%20Golvsp%C3%85nad%20%20&sort=price');
page('/html/search?q=%FF%FEabc');
page('/html/search?q=');
page('/find?s=Tapet&q=ignored');
page('/find?q=not+this+one');
page('/find?query=Kakel+Badrum');
page('/find?s=ring+070-123+45+67');
$rows = rows_since($mark);
is(scalar @$rows, 8, 'eight search page views');
is($rows->[0]{search_term}, 'anna svensson [email] [personnummer]',
    'the bar search scrubbed');
is($rows->[0]{path}, '/html/search', 'search: path without the query');
is($rows->[1]{search_term}, "golvsp\xc3\xa5nad",
    'term trimmed and lower-cased (UTF-8)');
is($rows->[2]{search_term}, undef, 'invalid UTF-8: row with NULL term');
is($rows->[3]{search_term}, undef, 'empty q: NULL term');
is($rows->[4]{search_term}, 'tapet', 'custom search arg s');
is($rows->[5]{search_term}, undef, 'q is not a search arg where s/query are');
is($rows->[6]{search_term}, 'kakel badrum', 'second custom search arg');
unlike($rows->[7]{search_term} // '', qr/070|123 45/, 'phone number scrubbed');
note('phone term: ' . ($rows->[7]{search_term} // 'NULL'));

# --- bots ---------------------------------------------------------------------

$mark = last_id();
for my $ua ('Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)',
            'Mozilla/5.0 (compatible; bingbot/2.0)',
            'Mozilla/5.0 AppleWebKit (KHTML) HeadlessChrome/120.0 Safari',
            'curl/8.5.0', 'Wget/1.21', 'python-requests/2.31',
            'Go-http-client/1.1', 'Java/17.0.2', 'libwww-perl/6.72',
            'facebookexternalhit/1.1', 'Slackbot-LinkExpanding 1.0',
            'Mozilla/5.0 (compatible; Yahoo! Slurp)', 'UptimeRobot-Monitor',
            'Chrome-Lighthouse', 'Baiduspider', 'SiteCrawler/1.0',
            'WhatsApp link preview')
{
    page('/html/bot', { 'User-Agent' => $ua });
}
raw_page('/html/bot', undef);   # no User-Agent
raw_page('/html/bot', '');      # "User-Agent: " (HTTP::Tiny cannot send it)
is(counted_since($mark, '1'), 0, 'bots, empty and missing User-Agent not counted');

$mark = last_id();
raw_page('/html/raw-browser', $UA);
is(counted_since($mark, "path = '/html/raw-browser'"), 1,
    'a raw request with a browser UA is counted (control)');

# --- pseudonyms ---------------------------------------------------------------

$mark = last_id();
page('/html/v1');
page('/html/v2');
page('/html/v3', { 'User-Agent' => $UA2 });
$t->request('GET', '/html/v4',
    { host => "www.$HOST", headers => { 'User-Agent' => $UA } });
# the worker remembers today's pseudonyms: visitors in between, and 100
# more than it has room for, change nothing
page('/html/v5', { 'User-Agent' => $UA2 });
page("/html/u$_", { 'User-Agent' => "$UA2 u$_" }) for 1 .. 100;
page('/html/v6');
page('/html/v7', { 'User-Agent' => $UA2 });
$rows = by_path(rows_since($mark));
is($rows->{'/html/v6'}{visitor}, $rows->{'/html/v1'}{visitor},
    'the first visitor again, after 102 others: same pseudonym');
is($rows->{'/html/v5'}{visitor}, $rows->{'/html/v3'}{visitor},
    'the second visitor again: same pseudonym');
is($rows->{'/html/v7'}{visitor}, $rows->{'/html/v3'}{visitor},
    'and again after 100 others');
my %seen = map { $rows->{"/html/u$_"}{visitor} => 1 } 1 .. 100;
is(scalar keys %seen, 100, '100 User-Agents: 100 pseudonyms');
is($rows->{'/html/v1'}{visitor}, $rows->{'/html/v2'}{visitor},
    'same address and UA: same pseudonym');
isnt($rows->{'/html/v3'}{visitor}, $rows->{'/html/v1'}{visitor},
    'another UA: another pseudonym');
like($rows->{'/html/v3'}{visitor}, qr/^[0-9a-f]{32}$/, 'pseudonym is hex');
is($rows->{'/html/v4'}{host}, "www.$HOST", 'another host');
isnt($rows->{'/html/v4'}{visitor}, $rows->{'/html/v1'}{visitor},
    'another host: another pseudonym');

# --- long values are cut, and still valid UTF-8 ------------------------------

$mark = last_id();
my $long = '/html/x' . ('%C3%A5' x 200);   # 7 + 400 bytes: 256 is inside a character
page($long);
page('/html/long?q=' . ('s%C3%B6k+' x 60));
$rows = rows_since($mark);
ok(length($rows->[0]{path}) <= 256, 'long path cut to at most 256 bytes')
    or diag('length ' . length $rows->[0]{path});
ok(length($rows->[1]{search_term} // '') <= 100, 'long term capped');
ok(utf8::decode(my $copy = $rows->[1]{search_term} // ''),
    'capped term is valid UTF-8');
{
    # a path longer than the column is cut at a character boundary
    ok(utf8::decode(my $p = $rows->[0]{path}), 'cut path is valid UTF-8');
}

# --- objection (art. 21) ------------------------------------------------------

my $res = consent_post([action => 'object_analytics']);
is($res->{status}, 303, 'objection accepted');
my $objection = cookie_of($res);
ok($objection, 'objection sets the consent cookie');

$res = consent_post([action => 'object_analytics'],
    { Origin => 'https://evil.example' });
is($res->{status}, 403, 'objection from another origin refused');

$mark = last_id();
page('/html/objected', { Cookie => "$objection; session=1" });
page('/html/search?q=objected+search', { Cookie => $objection });
is(counted_since($mark, '1'), 0, 'no events after an objection');

# the consent page, in a location that is not counted itself, says how
# the server's other locations count this browser now
my %h = ('Accept-Language' => 'en');
like($t->get('/privacy/consent', \%h)->{content},
    qr/counted without cookies, with a pseudonym.*Right now you have not allowed statistics\./s,
    'consent page: how visits are counted, for a visitor who has not decided');
like($t->get('/privacy/consent', { %h, Cookie => $objection })->{content},
    qr/Right now this browser is not counted at all: you have objected/,
    'consent page: not counted at all after the objection');

$res = consent_post([action => 'allow_analytics'], { Cookie => $objection });
is($res->{status}, 303, 'withdrawal of the objection accepted');
my $allowed = cookie_of($res);
ok($allowed && $allowed ne $objection, 'a new cookie after allow_analytics');

$mark = last_id();
page('/html/allowed', { Cookie => $allowed });
is(counted_since($mark, "path = '/html/allowed'"), 1, 'counted again after allow');

$rows = $t->sqlite('SELECT method, consent_id FROM consent_receipts'
    . " WHERE method LIKE 'analytics_objection%' ORDER BY id");
is_deeply([map { $_->{method} } @$rows],
    ['analytics_objection', 'analytics_objection_withdrawn'],
    'receipts for the objection and its withdrawal');
is($rows->[0]{consent_id}, $rows->[1]{consent_id},
    'the same browser keeps its consent id');

# the objection does not grant or change cookie consent: _ga still stripped
$r = page('/proxied', { Cookie => "$objection; _ga=GA1.2.3" });
ok(!grep({ /^_ga=GA1/ } set_cookies($r)), 'objection grants nothing');

# --- Sec-GPC ------------------------------------------------------------------

$mark = last_id();
page('/gpc/a', { 'Sec-GPC' => '1' });
page('/gpc/b', { 'Sec-GPC' => '0' });
page('/gpc/c');
page('/html/gpc-default', { 'Sec-GPC' => '1' });
$rows = by_path(rows_since($mark));
ok(!$rows->{'/gpc/a'}, 'privacy_analytics_gpc on: Sec-GPC: 1 not counted');
ok($rows->{'/gpc/b'}, 'privacy_analytics_gpc on: Sec-GPC: 0 counted');
ok($rows->{'/gpc/c'}, 'privacy_analytics_gpc on: no Sec-GPC counted');
ok($rows->{'/html/gpc-default'}, 'privacy_analytics_gpc off (default): counted');

# --- consented visitors -------------------------------------------------------

$res = consent_post([action => 'accept_all']);
my $consent = cookie_of($res);
ok($consent, 'accept_all sets a cookie');

$mark = last_id();
page('/html/consented', { Cookie => "$consent; _ga=GA1.2.3" });
page('/html/consented2', { Cookie => $consent, 'User-Agent' => $UA2 });
$rows = by_path(rows_since($mark));
my ($receipt) = @{ $t->sqlite('SELECT consent_id FROM consent_receipts'
    . " WHERE method = 'consent_page' ORDER BY id DESC LIMIT 1") };
my $c1 = $rows->{'/html/consented'};
like($c1->{consent_id} // '', qr/^[0-9a-f]{32}$/, 'consented: consent_id set');
is($c1->{visitor}, $c1->{consent_id}, 'consented: visitor is the consent id');
is($c1->{consent_id}, $receipt->{consent_id},
    'consent id is the one of the receipt');
is($rows->{'/html/consented2'}{visitor}, $c1->{visitor},
    'consented: one visitor whatever the UA');

$res = consent_post([action => 'reject_all']);
my $reject = cookie_of($res);
$mark = last_id();
page('/html/rejected', { Cookie => $reject });
$rows = rows_since($mark);
is($rows->[0]{consent_id}, undef, 'rejected statistics: no consent id');
like($rows->[0]{visitor}, qr/^[0-9a-f]{32}$/,
    'rejected statistics: still counted by pseudonym (legitimate interest)');

# a consent with statistics plus an objection: the objection wins
$res = consent_post([action => 'object_analytics'], { Cookie => $consent });
my $both = cookie_of($res);
$mark = last_id();
page('/html/consent-objected', { Cookie => $both });
is(counted_since($mark, '1'), 0, 'consent + objection: not counted');

# a forged objection cookie is not a decision: counted
$mark = last_id();
(my $forged = $objection) =~ s/.(?=.{3}$)/$& eq 'A' ? 'B' : 'A'/e;
page('/html/forged', { Cookie => $forged });
is(counted_since($mark, "path = '/html/forged'"), 1,
    'forged objection cookie ignored: counted');

# --- reload writes what is buffered -------------------------------------------

my $before = count_all();
page("/html/reload-$_") for 1 .. 20;
my $log_size = -s $t->error_log_file;
ok($t->reload, 'reload') or diag($t->reload_error);
is(count_all(), $before + 20,
    'after a reload every buffered event is written, without waiting');
like(substr($t->error_log, $log_size),
    qr/privacy_db "[^"]+": \d+ records written, 0 dropped by this worker/,
    'old worker logs records written');

# --- stop writes what is buffered; nothing identifying in the file -----------

$before = count_all();
page("/html/stop-$_?q=stop+term") for 1 .. 10;
$t->stop;
is(count_all(), $before + 10, 'after stop every event is written');

my $bytes = RegisterFile::bytes($t, '-journal');
ok(length $bytes > 0, 'database files read');
ok(index($bytes, '127.0.0.1') < 0, 'no client address in the database files');
for my $ua ($UA, $UA2) {
    ok(index($bytes, $ua) < 0, 'no full User-Agent in the database files');
}
ok(index($bytes, 'PrivacyTestBrowser') < 0, 'not even a UA fragment');
ok(index($bytes, 'utm_source') < 0, 'no query string in the database files');
ok(index($bytes, 'anna.s@') < 0 && index($bytes, '19811218') < 0,
    'no unscrubbed search term in the database files');

# --- roll-ups ------------------------------------------------------------------

# back-dated raw rows while nginx is stopped; the writer rolls up at start
my $d3 = day_ago(3);
my $d1 = day_ago(1);
my $ins = 'INSERT INTO analytics_events (id, ts, host, path, status,'
    . ' referrer_host, search_term, visitor, identified)'
    . ' VALUES (' . $PrivacyTest::EVENT_ID
    . ', ?1, ?, ?, 200, NULL, ?, ?, 0)';
my $ts3 = time - 3 * 86400;
my @old = (
    [$HOST, '/a', undef, 'v1'], [$HOST, '/a', undef, 'v1'],
    [$HOST, '/a', 'tapet', 'v2'], [$HOST, '/b', 'tapet', 'v3'],
    [$HOST, '/b', 'kakel', 'v3'], ['other.example', '/a', undef, 'v9'],
);
$t->sqlite_do($ins, $ts3, @$_[0, 1, 2, 3]) for @old;
$t->sqlite_do($ins, time - 86400, $HOST, '/y', undef, 'w1');

$t->start;
my $daily = $t->wait_for(sub {
    my $r = $t->sqlite('SELECT * FROM analytics_daily WHERE day = ?'
        . ' ORDER BY host', $d3);
    @$r ? $r : undef;
});
is_deeply($daily, [
    { day => $d3, host => 'other.example', page_views => 1, visitors => 1,
      searches => 0 },
    { day => $d3, host => $HOST, page_views => 5, visitors => 3,
      searches => 3 },
], 'analytics_daily rolled up at worker start');
is_deeply($t->sqlite('SELECT path, page_views, visitors'
    . ' FROM analytics_daily_pages WHERE day = ? AND host = ? ORDER BY path',
    $d3, $HOST),
    [{ path => '/a', page_views => 3, visitors => 2 },
     { path => '/b', page_views => 2, visitors => 1 }],
    'analytics_daily_pages');
is_deeply($t->sqlite('SELECT term, searches, visitors'
    . ' FROM analytics_daily_searches WHERE day = ? AND host = ?'
    . ' ORDER BY term', $d3, $HOST),
    [{ term => 'kakel', searches => 1, visitors => 1 },
     { term => 'tapet', searches => 2, visitors => 2 }],
    'analytics_daily_searches');
is_deeply($t->sqlite('SELECT page_views FROM analytics_daily WHERE day = ?',
    $d1), [{ page_views => 1 }], 'yesterday rolled up');
is_deeply($t->sqlite('SELECT * FROM analytics_daily WHERE day >= ?',
    today()), [], 'today is not rolled up');

# a late row for yesterday (written just after midnight) is taken into
# account at the next roll-up; older finished days are not recomputed
$t->stop;
$t->sqlite_do($ins, time - 86400, $HOST, '/y', undef, 'w2');
$t->sqlite_do('UPDATE analytics_daily SET page_views = 99 WHERE day = ?'
    . ' AND host = ?', $d3, 'other.example');
$t->start;
my $y = $t->wait_for(sub {
    my $r = $t->sqlite('SELECT page_views, visitors FROM analytics_daily'
        . ' WHERE day = ?', $d1);
    @$r && $r->[0]{page_views} == 2 ? $r->[0] : undef;
});
is_deeply($y, { page_views => 2, visitors => 2 },
    'yesterday recomputed at the next start');
is($t->sqlite('SELECT page_views FROM analytics_daily WHERE day = ?'
    . ' AND host = ?', $d3, 'other.example')->[0]{page_views}, 99,
    'a finished day older than two days is not recomputed');

$t->stop;

# --- several workers: no loss ---------------------------------------------------

my $m = PrivacyTest->new(workers => 2);
$m->write_file('www/index.html', "<html><body>index</body></html>\n");
$m->config(<<'EOF');
    privacy_secret_file %%SECRET%%;
    privacy_db %%DB%%;
    privacy_cookie statistics '^_ga';

    server {
        listen 127.0.0.1:%%PORT%% reuseport;
        server_name shop.example;
        privacy on;
        privacy_analytics on;

        location / {
            default_type text/html;
            return 200 "<html><body>$uri</body></html>\n";
        }
    }
EOF
$m->start;

my ($kids, $per) = (10, 150);
my @pids;
for my $k (1 .. $kids) {
    my $pid = fork;
    die "fork: $!" unless defined $pid;
    if ($pid == 0) {
        my $bad = 0;
        for my $i (1 .. $per) {
            my $r = $m->request('GET', "/c$k/r$i?q=term+$k",
                { host => $HOST, headers => { 'User-Agent' => "$UA k$k" } });
            $bad++ unless $r->{status} == 200;
        }
        POSIX::_exit($bad ? 1 : 0);
    }
    push @pids, $pid;
}
my $failed = 0;
for (@pids) { waitpid $_, 0; $failed++ if $? }
is($failed, 0, "$kids concurrent clients x $per requests all answered 200");

my $logpos = -s $m->error_log_file;
$m->stop;
my $total = $kids * $per;
is($m->sqlite('SELECT sum(views) AS n FROM analytics_events')->[0]{n}, $total,
    "two workers: all $total events written after stop");
is($m->sqlite('SELECT count(DISTINCT path) AS n FROM analytics_events')
    ->[0]{n}, $total, 'each request exactly once');
my @lines = substr($m->error_log, $logpos)
    =~ /privacy_db "[^"]+": (\d+) records written, (\d+) dropped by this worker/g;
my ($written, $dropped) = (0, 0);
while (my ($w, $d) = splice @lines, 0, 2) { $written += $w; $dropped += $d }
is($written, $total, 'the workers log as many records written');
is($dropped, 0, 'nothing dropped');
my $pids_seen = () = substr($m->error_log, $logpos)
    =~ /records written, \d+ dropped by this worker/g;
note("exit lines from $pids_seen workers");

# --- configuration --------------------------------------------------------------

my $c = PrivacyTest->new;
$c->config(<<'EOF');
    privacy_secret_file %%SECRET%%;
    server {
        listen 127.0.0.1:%%PORT%%;
        privacy on;
        privacy_analytics on;
    }
EOF
my ($ok, $out) = $c->test_config;
ok(!$ok, 'privacy_analytics without privacy_db: nginx -t fails');
like($out, qr/\[emerg\].*"privacy_analytics" needs "privacy_db"/,
    'and says why');

done_testing;

# --- helpers ---------------------------------------------------------------------

sub page {
    my ($path, $headers) = @_;
    my %h = ('User-Agent' => $UA, %{ $headers || {} });
    return $t->request('GET', $path, { host => $HOST, headers => \%h });
}

sub raw_page {
    my ($path, $ua) = @_;
    my $req = "GET $path HTTP/1.1\r\nHost: $HOST\r\n"
        . (defined $ua ? "User-Agent: $ua\r\n" : '')
        . "Connection: close\r\n\r\n";
    return $t->raw_request($req);
}

sub consent_post {
    my ($form, $headers) = @_;
    my %h = ('User-Agent' => $UA, %{ $headers || {} });
    return $t->request('POST', '/privacy/consent', {
        host    => $HOST,
        headers => { 'Content-Type' => 'application/x-www-form-urlencoded',
                     %h },
        content => PrivacyTest::form_urlencode($form),
    });
}

sub cookie_of {
    my ($res) = @_;
    my ($c) = grep { /^privacy_consent=/ } set_cookies($res);
    return undef unless $c;
    $c =~ s/;.*//;
    return $c;
}


sub count_all {
    return $t->sqlite('SELECT coalesce(sum(views), 0) AS n'
                      . ' FROM analytics_events')->[0]{n};
}

sub last_id {
    sentinel();
}

# a counted request with a unique path; returns its row id once written
sub sentinel {
    my $path = '/html/sentinel-' . ++$seq;
    page($path);
    return $t->analytics_row($path)->{id};
}

sub wait_row {
    my ($path) = @_;
    return $t->wait_for(sub {
        $t->sqlite("SELECT *, date(ts, 'unixepoch') AS day,"
            . " CASE WHEN identified = 1 THEN visitor END AS consent_id"
            . ' FROM analytics_events WHERE path = ?'
            . ' ORDER BY id DESC LIMIT 1', $path)->[0];
    });
}

# page views after $mark, up to the next sentinel (made here), in order: a
# row counting identical views of one second (views > 1) stands for each
sub rows_since {
    my ($mark) = @_;
    my $s = sentinel();
    return [ map { ($_) x $_->{views} } @{ $t->sqlite(
        "SELECT *, date(ts, 'unixepoch') AS day,"
        . " CASE WHEN identified = 1 THEN visitor END AS consent_id"
        . ' FROM analytics_events WHERE id > ? AND id < ?'
        . ' ORDER BY id', $mark, $s) } ];
}

sub by_path {
    my ($rows) = @_;
    return { map { $_->{path} => $_ } @$rows };
}

sub day_ago {
    my @g = gmtime(time - $_[0] * 86400);
    return sprintf '%04d-%02d-%02d', $g[5] + 1900, $g[4] + 1, $g[3];
}

sub today { day_ago(0) }
