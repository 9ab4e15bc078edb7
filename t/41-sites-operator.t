#!/usr/bin/perl

# Issue 24.7: testing as an operator.  docs/operator-guide.md says that
# curl counts as a bot and gives a one-line query for today's counts; the
# query, taken from the guide as written, shows a browser's page view and
# not curl's.

use strict;
use warnings;

use FindBin;
use lib "$FindBin::Bin/lib";

use Test::More;
use PrivacyTest;
use AnalyticsShop;

my $GUIDE = "$PrivacyTest::REPO/docs/operator-guide.md";

open my $fh, '<', $GUIDE or die "$GUIDE: $!";
my $guide = do { local $/; <$fh> };
close $fh;

like($guide, qr/\*\*curl is a bot\.\*\*/, 'the guide says curl is a bot');

my ($line) = $guide =~ /^(sqlite3 -readonly \S+ "SELECT [^\n]*")$/m;
ok(defined $line, 'the guide has the one-line query') or BAIL_OUT('none');
my ($sql) = $line =~ /"(.*)"$/;

my $t = PrivacyTest->new;
$t->config(AnalyticsShop::config(
    body => '<html><body>shop</body></html>'));
$t->start;

my $BROWSER = 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 '
    . 'Firefox/128.0';

$t->request('GET', '/curl', { host => 'shop.example',
    headers => { 'User-Agent' => 'curl/8.5.0' } });
$t->request('GET', '/browser', { host => 'shop.example',
    headers => { 'User-Agent' => $BROWSER } });

ok($t->wait_for(sub {
    -e $t->db && eval {
        $t->sqlite('SELECT count(*) AS n FROM analytics_events')->[0]{n}
    }
}), 'a page view is written') or diag($t->error_log);

my $rows = $t->sqlite($sql);
is_deeply($rows, [{ host => 'shop.example', views => 1, visitors => 1 }],
    "the guide's query: today's browser view, not curl's");

is_deeply($t->sqlite('SELECT path FROM analytics_events'),
    [{ path => '/browser' }], 'curl is not counted');

# as the operator runs it: the sqlite3 shell
SKIP: {
    my $sqlite3 = '/usr/bin/sqlite3';
    skip 'no sqlite3 shell', 1 unless -x $sqlite3;
    (my $cmd = $line) =~ s{^sqlite3 -readonly \S+}{};
    my $out = `$sqlite3 -readonly '${\ $t->db}' $cmd 2>&1`;
    is($out, "shop.example|1|1\n", 'the one-liner in the shell') or diag($out);
}

done_testing;
undef $t;
