#!/usr/bin/perl

# Issue 15, items 6 and 7: no personal data in stored page views.
#
# Item 6: the path of a page view is scrubbed segment by segment with the
# search term scrubber ("/orders/anna.svensson@example.se" is stored as
# "/orders/[email]"), and privacy_analytics_path lets a map collapse
# identifiers ("/orders/123" -> "/orders/:id").  Item 7: disguised
# addresses (quoted, full-width, spaced, "(at)", double-encoded) in paths
# and search terms are scrubbed too.  Each is checked in the rows and,
# after nginx stops, in the bytes of the database file and its -wal:
# nothing of the address or the personnummer may be anywhere.
#
# Events reach the database asynchronously: a counted "sentinel" request
# after the others, once written, proves the earlier ones are (one
# worker writes in order), as in t/20-analytics.t.

use strict;
use warnings;

use FindBin;
use lib "$FindBin::Bin/lib";

use Test::More;
use PrivacyTest;
use AnalyticsShop;
use RegisterFile;

my $HOST = 'shop.example';
my $UA = 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 '
    . 'Firefox/128.0 PrivacyTestBrowser/51';

my $t = PrivacyTest->new;

$t->config(AnalyticsShop::config(http => <<'EOF', locations => <<'EOF2'));

    # identifiers collapsed by the operator (docs/directives.md)
    map $uri $privacy_test_path {
        ~^/shop/orders/[0-9]+$        /shop/orders/:id;
        ~^/shop/orders/[0-9]+/(.*)$   /shop/orders/:id/$1;
        default                        $uri;
    }
EOF

        location /shop/ {
            privacy_analytics_path $privacy_test_path;
            return 200 "<html><body>shop</body></html>\n";
        }

        location /fixed/ {
            privacy_analytics_path /fixed/:anything;
            return 200 "<html><body>fixed</body></html>\n";
        }
EOF2

$t->start;

my $seq = 0;

# --- item 6: the issue's paths ----------------------------------------------

my $mark = last_id();
page('/orders/anna.svensson@example.se');
page('/kund/19121212-1212');
page('/kund/19121212-1212/adress');
page('/Orders/Anna.Svensson%40Example.se/Kvitto');
page('/ring/070-123%2045%2067');
page('/products/Red-Shoes');
page('/orders/123456');
is_deeply(paths_since($mark), [
    '/orders/[email]',
    '/kund/[personnummer]',
    '/kund/[personnummer]/adress',
    '/Orders/[email]/Kvitto',
    '/ring/[phone]',
    '/products/Red-Shoes',
    '/orders/123456',
], 'paths: personal data replaced segment by segment, the rest as sent');

# the worker keeps the scrubbed form of recent paths (docs/architecture.md,
# "Per-worker state"): a path seen again is stored as scrubbed as the first
# time, and a path that differs in one byte is scrubbed on its own
$mark = last_id();
page('/kund/19121212-1212');
page('/kund/1912');
page('/kund/19121212-1212');
page('/orders/anna.svensson@example.se');
# (sorted: the two identical views may be one row of the same second)
is_deeply([ sort @{ paths_since($mark) } ], [
    '/kund/1912',
    '/kund/[personnummer]',
    '/kund/[personnummer]',
    '/orders/[email]',
], 'paths seen again: scrubbed the same way, from the worker\'s memo');

# --- item 6: the operator collapses identifiers -----------------------------

$mark = last_id();
page('/shop/orders/1001');
page('/shop/orders/1002/receipt');
page('/shop/orders/anna.svensson@example.se');
page('/shop/cart?coupon=anna.svensson@example.se');
page('/fixed/19121212-1212');
is_deeply(paths_since($mark), [
    '/shop/orders/:id',
    '/shop/orders/:id/receipt',
    '/shop/orders/[email]',
    '/shop/cart',
    '/fixed/:anything',
], 'privacy_analytics_path: the mapped value is stored, still scrubbed,'
   . ' never the query');

# --- item 7: disguised addresses in paths -----------------------------------

$mark = last_id();
page('/v/%22anna.svensson%22@example.se');
page('/v/anna.svensson%EF%BC%A0example.se');
page('/v/anna.svensson%20@%20example.se');
page('/v/anna.svensson(at)example.se');
page('/v/anna.svensson%5Bat%5Dexample.se');
page('/v/anna.svensson%2540example.se');
page('/v/19121212%252D1212');
is_deeply(paths_since($mark), [
    ('/v/[email]') x 6, '/v/[personnummer]',
], 'paths: quoted, full-width, spaced, (at), [at] and double-encoded'
   . ' addresses scrubbed');

# --- item 7: the same disguises in search terms -----------------------------

$mark = last_id();
page('/find?q=%22anna.svensson%22%40example.se');
page('/find?q=anna.svensson%EF%BC%A0example.se');
page('/find?q=anna.svensson+%40+example.se');
page('/find?q=anna.svensson(at)example.se');
page('/find?q=anna.svensson%5Bat%5Dexample.se');
page('/find?q=anna.svensson%2540example.se');
page('/find?q=kund+19121212%25252D1212');
is_deeply([map { $_->{search_term} } @{ rows_since($mark) }], [
    ('[email]') x 6, 'kund [personnummer]',
], 'search terms: the disguised addresses scrubbed');

# --- nothing of it in the database file or its log ---------------------------

$t->stop;

my $bytes = RegisterFile::bytes($t);
ok(length $bytes > 0, 'the database was read');
like($bytes, qr{/orders/\[email\]}, 'the scrubbed path is in the file');
for my $needle ('anna.svensson', 'svensson', 'example.se', '19121212',
    '121212-1212', "\xef\xbc\xa0", '(at)', '%2540', '%40')
{
    unlike($bytes, qr/\Q$needle\E/i, "no '$needle' in the database or -wal");
}

done_testing;


sub page {
    my ($path) = @_;
    my $res = $t->request('GET', $path,
        { host => $HOST, headers => { 'User-Agent' => $UA } });
    die "GET $path: $res->{status}\n" unless $res->{status} == 200;
    return $res;
}

# a counted request with a unique path; its row id once written
sub sentinel {
    my $path = '/sentinel-' . ++$seq;
    page($path);
    return $t->analytics_row($path)->{id};
}

sub last_id { sentinel() }

# page views after $mark, up to the next sentinel (made here), in order: a
# row counting identical views of one second (views > 1) stands for each
sub rows_since {
    my ($mark) = @_;
    my $s = sentinel();
    return [ map { ($_) x $_->{views} } @{ $t->sqlite(
        'SELECT * FROM analytics_events WHERE id > ? AND id < ?'
        . ' ORDER BY id', $mark, $s) } ];
}

sub paths_since {
    return [map { $_->{path} } @{ rows_since($_[0]) }];
}
