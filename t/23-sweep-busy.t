#!/usr/bin/perl

# A retention sweep (and the roll-up before it) that finds the register
# locked by another connection for a few seconds (another worker's
# checkpoint, the writer, an sqlite3 shell) is tried again five seconds
# later and says so as a warning, not an error; once the lock is gone it
# sweeps as usual (docs/operator-guide.md, "Failure behaviour").

use strict;
use warnings;

use FindBin;
use lib "$FindBin::Bin/lib";

use Test::More;
use PrivacyTest;
use Faults qw(hold_lock);
use Sweep qw(site_config);

my $HOST = $Sweep::HOST;
my $DAY = 86400;

my $t = PrivacyTest->new;
site_config($t, mime => 0, analytics => 1, http => <<"EOF");
    privacy_retention analytics 30d;
    privacy_sweep_interval 1s;
EOF

# the register exists once a worker has written to it; a sweep runs
# every second
$t->start;
$t->request('GET', '/index.html', { host => $HOST });
ok($t->wait_for(sub {
    $t->error_log =~ /retention sweep: 0 page views from before/
}), 'a sweep has run');

# another process holds the register for 8 s, and adds page views of 40
# days ago that the sweep is to delete once it can
my $old = int(time / $DAY) * $DAY - 40 * $DAY;
my $hold = 8;
my $log = length $t->error_log;
my ($child, $line) = hold_lock($t, 'IMMEDIATE', $hold, map {
    ['INSERT INTO analytics_events (id, ts, host, path, status,'
        . ' referrer_host, search_term, visitor, identified)'
        . ' VALUES (' . $PrivacyTest::EVENT_ID
        . ", ?1, ?, '/old', 200, NULL, NULL, ?, 0)",
     $old + $_, $HOST, "v$_"]
} 1 .. 3);
is($line, "locked\n", 'another process holds the register');

ok($t->wait_for(sub {
    substr($t->error_log, $log)
        =~ /\[warn\] .*privacy_db ".*database is locked; retried in 5 s/
}, 30), 'the locked register is a warning, tried again in 5 s')
    or diag(substr($t->error_log, $log));

waitpid $child, 0;
is($?, 0, "the lock was held for $hold s and released");

ok($t->wait_for(sub {
    substr($t->error_log, $log)
        =~ /retention sweep: 3 page views from before \S+ deleted/
}, 60), 'once released, the sweep deletes what is due')
    or diag(substr($t->error_log, $log));
is($t->sqlite('SELECT count(*) AS n FROM analytics_events WHERE ts < ?',
    $old + 10)->[0]{n}, 0, 'the old page views are gone');

$t->stop;
unlike(substr($t->error_log, $log), qr/\[(error|alert|crit|emerg)\]/,
    'a lock of a few seconds is not an error');

done_testing;
