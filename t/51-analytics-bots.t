#!/usr/bin/perl

# Issue 15, item 8: automated clients are not counted as visitors.  The
# patterns come from the crawler-user-agents list (built in from
# data/crawler-user-agents/, version in its VERSION file) plus the
# module's supplement; privacy_analytics_bots points at a newer copy of
# the list's JSON file.  Checked on the rows of the database: a request
# by each client the issue found counted, then a browser's "sentinel"
# request, which is counted; once the sentinel's row is there (one worker
# writes in order), nothing else may be.

use strict;
use warnings;

use FindBin;
use lib "$FindBin::Bin/lib";

use Test::More;
use PrivacyTest;
use AnalyticsShop;

my $HOST = 'shop.example';
my $UA = 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 '
    . 'Firefox/128.0 PrivacyTestBrowser/51';

# the clients the issue found counted as visitors
my @ISSUE = (
    'Mozilla/5.0 (Linux; Android 6.0.1; Nexus 5X Build/MMB29P) '
        . 'AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.6099.199 '
        . 'Mobile Safari/537.36 (compatible; Google-InspectionTool/1.0;)',
    'FeedFetcher-Google; (+http://www.google.com/feedfetcher.html)',
    'Mediapartners-Google',
    'Scrapy/2.11.0 (+https://scrapy.org)',
    'okhttp/4.12.0',
    'axios/1.6.2',
    'node-fetch/1.0 (+https://github.com/bitinn/node-fetch)',
    'PostmanRuntime/7.36.0',
    'HTTPie/3.2.2',
    'Apache-HttpClient/4.5.14 (Java/17.0.9)',
    'libcurl/8.4.0',
    'Dart/3.2 (dart:io)',
    'WhatsApp/2.23.20.0 A',
);

my @BROWSERS = (
    $UA,
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, '
        . 'like Gecko) Chrome/131.0.0.0 Safari/537.36',
    'Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) '
        . 'AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 '
        . 'Mobile/15E148 Safari/604.1',
);

my $t = PrivacyTest->new;

my $own = $t->write_file('own-bots.json',
    qq{[{"pattern": "^ShopPinger\\\\/", "instances": ["ShopPinger/2"]}]\n});
my $bad = $t->write_file('bad-bots.json', qq{[{"pattern": "Broken("}]\n});
my $notlist = $t->write_file('not-a-list.json', qq{{"pattern": "x"}\n});

my $seq = 0;

sub conf {
    my ($bots) = @_;
    return AnalyticsShop::config(http => "    $bots\n");
}

# --- a file that is not a list of patterns fails nginx -t --------------------

for my $case ([$bad, qr/pattern 0 "Broken\(".*missing closing parenthesis/,
               'a pattern PCRE2 rejects'],
              [$notlist, qr/not a non-empty array/, 'not an array'],
              ["$FindBin::Bin/nonexistent.json", qr/nonexistent\.json/,
               'a missing file'])
{
    my ($file, $re, $name) = @$case;
    $t->config(conf("privacy_analytics_bots $file;"));
    my ($ok, $out) = $t->test_config;
    ok(!$ok, "$name: nginx -t fails") or diag($out);
    like($out, qr/privacy_analytics_bots: .*$re/, "$name: the message says why")
        or diag($out);
}

# --- the built-in list ----------------------------------------------------------

$t->config(conf(''));
$t->start;

my $mark = sentinel();
page($_) for @ISSUE;
is_deeply(paths_since($mark), [], 'none of the issue\'s clients counted')
    or diag(explain(paths_since($mark)));

# one at a time, so that a failure names the client
for my $i (0 .. $#ISSUE) {
    $mark = sentinel();
    page($ISSUE[$i], "/issue-$i");
    is(scalar @{ paths_since($mark) }, 0, "not counted: $ISSUE[$i]");
}

$mark = sentinel();
page($BROWSERS[$_], "/browser-$_") for 0 .. $#BROWSERS;
is_deeply(paths_since($mark), [map { "/browser-$_" } 0 .. $#BROWSERS],
    'browsers counted');

$mark = sentinel();
page('ShopPinger/2', '/own');
is_deeply(paths_since($mark), ['/own'],
    'a client the list does not know is counted');

# --- privacy_analytics_bots: an operator's newer file -------------------------

$t->config(conf("privacy_analytics_bots $own;"));
ok($t->reload, 'reloaded with privacy_analytics_bots') or diag($t->reload_error);

$mark = sentinel();
page('ShopPinger/2', '/own');
page('ShopPinger/2 (+https://shop.example/pinger)', '/own');
page('libcurl/8.4.0', '/supplement');
page($BROWSERS[1], '/browser');
is_deeply(paths_since($mark), ['/browser'],
    'the file\'s patterns and the supplement apply, browsers counted');

# the list is the file's now, not the built-in one
$mark = sentinel();
page('Scrapy/2.11.0 (+https://scrapy.org)', '/scrapy');
is_deeply(paths_since($mark), ['/scrapy'],
    'a client only the built-in list knows is counted with another file');

done_testing;


sub page {
    my ($ua, $path) = @_;
    $path //= '/page';
    my $res = $t->request('GET', $path,
        { host => $HOST, headers => { 'User-Agent' => $ua } });
    die "GET $path: $res->{status}\n" unless $res->{status} == 200;
    return $res;
}

sub sentinel {
    my $path = '/sentinel-' . ++$seq;
    page($UA, $path);
    return $t->analytics_row($path)->{id};
}

# the paths counted after $mark, up to the next sentinel (made here), a
# path once per page view (a row counts the identical views of a second)
sub paths_since {
    my ($mark) = @_;
    my $s = sentinel();
    return [map { ($_->{path}) x $_->{views} } @{ $t->sqlite('SELECT path,'
        . ' views FROM analytics_events WHERE id > ? AND id < ? ORDER BY id',
        $mark, $s) }];
}
