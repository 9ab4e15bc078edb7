#!/usr/bin/perl

# Issue #3, "never block, lose nothing": when the writer lags (here: the
# register is locked by another process), page views queue up in the
# worker; once the queue is full new ones are dropped, counted and logged,
# and requests are never stalled.  When the lock goes, everything queued is
# written, and the worker's exit log accounts for every page view.

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

$t->config(<<'EOF');
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
EOF

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

# the writer opens and migrates the register at start
ok(wait_for(sub { -f $t->db && eval { events() == 0 } }),
   'register created');

my $dbh = DBI->connect('dbi:SQLite:dbname=' . $t->db, '', '',
                       { RaiseError => 1, AutoCommit => 1 });
$dbh->sqlite_busy_timeout(5000);
$dbh->do('BEGIN EXCLUSIVE');

# more page views than the queue holds (two batches of 16384), over one
# keep-alive connection
my $ua = HTTP::Tiny->new(keep_alive => 1, agent => 'Mozilla/5.0 (X11)');
my $url = 'http://127.0.0.1:' . $t->port;
my ($sent, $ok) = (0, 0);

for my $i (1 .. 36000) {
    my $r = $ua->get("$url/p$i");
    $sent++;
    $ok++ if $r->{status} == 200;
}

is($ok, $sent, "all $sent page views were answered while the writer lagged");
like($t->error_log, qr/write queue full, records dropped/,
     'the full queue is logged');
is(events(), 0, 'nothing could be written while the register was locked');

$dbh->do('COMMIT');
$dbh->disconnect;

my $written = wait_for(sub { my $n = events(); $n >= 16384 ? $n : 0 }, 30);
cmp_ok($written, '>=', 16384, "after the lock: $written queued events written");

$t->stop;

my ($w, $d) = $t->error_log =~ /(\d+) records written, (\d+) dropped/;
ok(defined $d && $d > 0, 'the exit log counts the dropped records ('
    . ($d // 'none') . ')');
is($w + $d, $sent, 'written + dropped = every page view');
is(events(), $w, 'the database holds exactly what was written');

done_testing;
undef $t;
