#!/usr/bin/perl

# The write queue keeps a page view's strings in an arena per batch
# (ngx_http_privacy_store.c): with long paths the arena fills before the
# batch's records do.  Then, as when the records run out, new views are
# dropped and counted, never stalled; every view written keeps its own
# path, byte for byte; and the exit log accounts for every view.

use strict;
use warnings;

use FindBin;
use lib "$FindBin::Bin/lib";

use DBI;
use HTTP::Tiny;
use Test::More;
use Time::HiRes qw(sleep time);
use PrivacyTest;

my $t = PrivacyTest->new(allow_log_errors => qr/privacy_db/);

$t->config(<<'EOF2');
    privacy_secret_file %%SECRET%%;
    privacy_db %%DB%%;

    server {
        listen 127.0.0.1:%%PORT%%;
        server_name shop.example;
        privacy on;
        privacy_analytics on;
        default_type text/html;

        location / {
            return 200 "<html><body>page</body></html>";
        }
    }
EOF2

$t->start;

sub events {
    return $t->sqlite('SELECT count(*) AS n FROM analytics_events')->[0]{n};
}

sub wait_for {
    my ($cond, $limit) = @_;
    my $end = time + ($limit // 10);
    while (time < $end) {
        my $v = $cond->();
        return $v if $v;
        sleep 0.1;
    }
    return $cond->();
}

ok(wait_for(sub { -f $t->db && eval { events() == 0 } }),
   'register created');

my $dbh = DBI->connect('dbi:SQLite:dbname=' . $t->db, '', '',
                       { RaiseError => 1, AutoCommit => 1 });
$dbh->sqlite_busy_timeout(5000);
$dbh->do('BEGIN EXCLUSIVE');

# 250-byte paths: about 300 bytes of strings a view, so two arenas of
# 2 MB hold some 14,000 views, fewer than two batches' 32,768 records
sub path_of { my ($i) = @_; return sprintf('/%06d/', $i) . ('a' x 242) }

my $ua = HTTP::Tiny->new(keep_alive => 1, agent => 'Mozilla/5.0 (X11)');
my $url = 'http://127.0.0.1:' . $t->port;
my ($sent, $ok) = (0, 0);

for my $i (1 .. 16000) {
    my $r = $ua->get($url . path_of($i));
    $sent++;
    $ok++ if $r->{status} == 200;
}

is($ok, $sent, "all $sent page views were answered while the writer lagged");
like($t->error_log, qr/write queue full, records dropped/,
     'the full arena is logged as a full queue');

$dbh->do('COMMIT');
$dbh->disconnect;

$t->stop;

my ($w, $d) = $t->error_log =~ /(\d+) records written, (\d+) dropped/;
ok(defined $d && $d > 0, 'the exit log counts the dropped views ('
    . ($d // 'none') . ')');
cmp_ok($w, '<', 2 * 16384, "fewer written ($w) than two batches of records");
is($w + $d, $sent, 'written + dropped = every page view');
is(events(), $w, 'the database holds exactly what was written');

# each row's path is one that was requested, each at most once, and the
# rows' other strings were not overwritten by a neighbour's
my $rows = $t->sqlite('SELECT path, host, visitor FROM analytics_events');
my (%seen, $bad);
for my $row (@$rows) {
    my ($i) = $row->{path} =~ m{^/(\d{6})/a{242}\z};
    $bad++ unless defined $i && !$seen{$i}++
        && $row->{host} eq '127.0.0.1'
        && $row->{visitor} =~ /\A[0-9a-f]{32}\z/;
}
is($bad // 0, 0, 'every stored view intact: its own path, host, visitor');

done_testing;
undef $t;
