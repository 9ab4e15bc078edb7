#!/usr/bin/perl

# One sweeper, safe (issue #19): with two workers, one sweeps; a worker
# killed with SIGKILL in the middle of a sweep leaves the register
# consistent (PRAGMA integrity_check), its sweep record unfinished, and
# the next sweep, by whichever worker takes the lock next, finishes the
# work; a reload in the middle of a sweep hands it to the new workers.
#
# The sweep deletes 5,000 rows a transaction, at most sixty transactions
# a second: 1,200,000 old page views keep it busy for some seconds.

use strict;
use warnings;

use FindBin;
use lib "$FindBin::Bin/lib";

use Test::More;
use DBI;
use DBD::SQLite;
use PrivacyTest;
use Sweep qw(site_config register);

my $HOST = $Sweep::HOST;
my $DAY = 86400;
my $ROWS = 1_200_000;

sub config {
    my ($t) = @_;
    site_config($t, analytics => 1, http => <<"EOF");
    privacy_retention analytics 30d;
    privacy_sweep_interval 1h;
EOF
}

sub views {
    my ($t) = @_;
    $t->request('GET', "/index.html?$_", { host => $HOST }) for 1 .. 20;
}

# old page views, and no sweep on record: one is due at the next start
sub fill {
    my ($t) = @_;
    my $old = int(time / $DAY) * $DAY - 100 * $DAY;
    my $dbh = register($t);
    my $st = $dbh->prepare('INSERT INTO analytics_events (id, ts, host, path,'
        . " status, referrer_host, search_term, visitor, identified)"
        . " VALUES (" . $PrivacyTest::EVENT_ID
        . ", ?1, '$HOST', '/old', 200, NULL, NULL, 'v', 0)");
    $st->execute($old + $_ % 3600) for 1 .. $ROWS;
    $dbh->do('DELETE FROM sweep_categories');
    $dbh->do('DELETE FROM sweeps');
    $dbh->commit;
    $dbh->disconnect;
}

sub old_rows {
    my ($t) = @_;
    return $t->sqlite("SELECT count(*) AS n FROM analytics_events"
        . " WHERE path = '/old'")->[0]{n};
}

# a sweep under way: its record, once it has deleted something
sub running {
    my ($t) = @_;
    return $t->wait_for(sub {
        my $r = $t->sqlite('SELECT s.id, s.worker, c.deleted FROM sweeps s'
            . ' JOIN sweep_categories c ON c.sweep_id = s.id'
            . ' WHERE s.finished IS NULL AND c.deleted > 0');
        @$r ? $r->[0] : undef;
    }, 30);
}

sub integrity {
    my ($t) = @_;
    return $t->sqlite('PRAGMA integrity_check')->[0]{integrity_check};
}

# --- kill -9 mid-sweep ----------------------------------------------------------

my $t = PrivacyTest->new(workers => 2,
    allow_log_errors => qr/exited on signal 9/);
config($t);

$t->start;
views($t);
$t->wait_for(sub {
    $t->sqlite('SELECT count(*) AS n FROM analytics_events')->[0]{n}
});
$t->stop;

fill($t);
$t->start;
views($t);      # both workers open the register

my $sweep = running($t);
ok($sweep, 'a sweep is under way') or diag($t->error_log);
$sweep //= { worker => 0, id => 0 };

ok(kill('KILL', $sweep->{worker}), "worker $sweep->{worker} killed");
$t->wait_for(sub { !kill 0, $sweep->{worker} });

my $left = old_rows($t);
ok($left > 0 && $left < $ROWS,
    "killed mid-sweep: $left of $ROWS old rows left");
is(integrity($t), 'ok', 'PRAGMA integrity_check: ok after kill -9');

views($t);      # the new worker opens the register too
my $next = $t->wait_for(sub {
    my $r = $t->sqlite('SELECT id, worker FROM sweeps WHERE id > ?'
        . ' AND finished IS NOT NULL', $sweep->{id});
    @$r ? $r->[0] : undef;
}, 120);
ok($next, 'the next sweep finishes') or diag($t->error_log);

is(old_rows($t), 0, 'every old page view is gone');
is(integrity($t), 'ok', 'PRAGMA integrity_check: ok');
is_deeply($t->sqlite('SELECT finished FROM sweeps WHERE id = ?',
    $sweep->{id}), [{ finished => undef }],
    'the killed sweep stays on record as unfinished');
is($t->sqlite('SELECT count(*) AS n FROM sweeps')->[0]{n}, 2,
    'one sweeper: the other worker did not sweep besides');
is($t->sqlite('SELECT deleted FROM sweep_categories WHERE sweep_id = ?',
    $next->{id} // 0)->[0]{deleted}, $left,
    'the next sweep deleted what the killed one had left');
like($t->error_log,
    qr/retention sweep: \d+ page views from before .* deleted in \d+ s/,
    'the finishing sweep logs its notice line');

$t->stop;

# --- a reload mid-sweep ---------------------------------------------------------

my $r = PrivacyTest->new(workers => 2);
config($r);

$r->start;
views($r);
$r->wait_for(sub {
    $r->sqlite('SELECT count(*) AS n FROM analytics_events')->[0]{n}
});
$r->stop;

fill($r);
$r->start;
views($r);

$sweep = running($r);
ok($sweep, 'a sweep is under way') or diag($r->error_log);
$sweep //= { worker => 0, id => 0 };

ok($r->reload, 'reloaded mid-sweep') or diag($r->reload_error);
views($r);

ok($r->wait_for(sub { old_rows($r) == 0 }, 120),
    'the new workers finish the sweep') or diag($r->error_log);
ok($r->wait_for(sub {
    $r->sqlite('SELECT count(*) AS n FROM sweeps'
        . ' WHERE finished IS NOT NULL')->[0]{n} == 1
}, 30), 'one finished sweep on record');
is(integrity($r), 'ok', 'PRAGMA integrity_check: ok');

$r->stop;

done_testing();
