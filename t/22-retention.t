#!/usr/bin/perl

# Retention of page views (issue #3, SPEC §5 and §7): with
# "privacy_retention analytics", one worker deletes the raw page views of
# the days past the period after each day's roll-up, in short batches,
# and logs what it deleted; the daily roll-ups of those days stay; what
# is deleted is overwritten, not left in the file; the days a roll-up
# still recomputes are never swept, whatever the period.
#
# Old rows are written straight into the register while nginx is stopped;
# the sweep runs at the next start (privacy_sweep_interval 1s).

use strict;
use warnings;

use FindBin;
use lib "$FindBin::Bin/lib";

use Time::HiRes qw(time);
use Test::More;
use DBI;
use DBD::SQLite;
use PrivacyTest;
use RegisterFile;
use Sweep qw(day_of site_config register first_view);

my $HOST = $Sweep::HOST;
my $DAY = 86400;

sub config {
    my ($t, $period) = @_;
    site_config($t, analytics => 1, http => <<"EOF");
    privacy_retention analytics $period;
    # sweeps run every privacy_sweep_interval (t/23-sweep-*.t); here, at
    # each start
    privacy_sweep_interval 1s;
EOF
}

sub insert_views {   # [ts, path, term, visitor], ...
    my ($t, @rows) = @_;
    my $dbh = register($t);
    my $st = $dbh->prepare('INSERT INTO analytics_events (id, ts, host, path,'
        . ' status, referrer_host, search_term, visitor, identified)'
        . ' VALUES (' . $PrivacyTest::EVENT_ID
        . ', ?1, ?, ?, 200, NULL, ?, ?, 0)');
    $st->execute($_->[0], $HOST, @$_[1 .. 3]) for @rows;
    $dbh->commit;
    $dbh->disconnect;
}

# the first sweep logged by the nginx started after the log had $from bytes
sub sweep_line {
    my ($t, $from) = @_;
    return $t->wait_for(sub {
        substr($t->error_log, $from)
            =~ /(privacy_db "[^"]+": retention sweep: .*)/ ? $1 : undef;
    }, 60);
}

sub file_bytes { RegisterFile::bytes($_[0]) }

# --- 30 days ------------------------------------------------------------------

my $t = PrivacyTest->new;
config($t, '30d');

$t->start;
first_view($t);
$t->stop;

my $now = time;
my $cutoff = int(($now - 30 * $DAY) / $DAY) * $DAY;
my $old = $cutoff - 10 * $DAY + 3600;

# 60,000 old rows: more than one run of the sweep deletes (10 x 5,000)
my @rows = map { [$old + $_ % 3600, '/old', undef,
                  sprintf('0ldv1s1t0r%022d', $_)] } 1 .. 60_000;
push @rows, [$old, '/old', 'tapet', '0ldv1s1t0r-searcher'],
            [$cutoff - 1, '/edge', undef, 'e1'],
            [$cutoff, '/kept-first', undef, 'k1'],
            [$now - 5 * $DAY, '/kept', undef, 'k2'],
            [$now - $DAY, '/kept', undef, 'k3'];
insert_views($t, @rows);

my $before = $t->sqlite('SELECT count(*) AS n FROM analytics_events')->[0]{n};

my $log_size = length $t->error_log;
$t->start;

my $line = sweep_line($t, $log_size);
ok($line, 'the sweep logs what it deleted') or diag($t->error_log);
my $expect = sprintf('privacy_db "%s": retention sweep: 60002 page views from'
    . ' before %s deleted in N s (privacy_retention analytics 30d)',
    $t->db, day_of($cutoff));
(my $shown = $line // '') =~ s/ in \d+ s / in N s /;
is($shown, $expect,
    'how many, from before which day, how long it took, and why');

is($t->sqlite('SELECT count(*) AS n FROM analytics_events WHERE ts < ?',
    $cutoff)->[0]{n}, 0, 'no page view before the cutoff is left');
is($t->sqlite('SELECT count(*) AS n FROM analytics_events')->[0]{n},
    $before - 60_002, 'every other page view is kept');
is_deeply($t->sqlite('SELECT path FROM analytics_events WHERE ts >= ?'
    . ' AND path <> ? ORDER BY ts', $cutoff, '/index.html'),
    [{ path => '/kept-first' }, { path => '/kept' }, { path => '/kept' }],
    'the first second of the cutoff day and later days are kept');

# the swept days were rolled up first, and their roll-ups stay
is_deeply($t->sqlite('SELECT page_views, visitors, searches'
    . ' FROM analytics_daily WHERE day = ?', day_of($old)),
    [{ page_views => 60_001, visitors => 60_001, searches => 1 }],
    'the roll-up of a swept day stays');
is_deeply($t->sqlite('SELECT page_views FROM analytics_daily'
    . ' WHERE day = ?', day_of($cutoff - 1)),
    [{ page_views => 1 }], 'the day before the cutoff was rolled up too');
is_deeply($t->sqlite('SELECT term, searches FROM analytics_daily_searches'
    . ' WHERE day = ?', day_of($old)),
    [{ term => 'tapet', searches => 1 }], 'its search terms stay counted');

# page views are still written after the sweep
$t->request('GET', '/index.html?after', { host => $HOST });
ok($t->wait_for(sub {
    $t->sqlite('SELECT count(*) AS n FROM analytics_events WHERE ts >= ?',
        int($now))->[0]{n} >= 1
}), 'page views are written after the sweep');

$t->stop;

like($t->error_log, qr/0 dropped by this worker/, 'nothing dropped');
unlike($t->error_log, qr/\[(error|alert|crit|emerg)\]/, 'no errors logged');

# secure_delete: the pseudonyms of the deleted rows are not in the files
my $bytes = file_bytes($t);
ok(length $bytes > 0, 'database files read');
ok(index($bytes, '0ldv1s1t0r') < 0,
    'deleted page views are overwritten, not left in free pages');

# a second start finds nothing more to delete, and says so
$log_size = length $t->error_log;
$t->start;
like(sweep_line($t, $log_size), qr/retention sweep: 0 page views from /,
    'the next sweep deletes nothing');
$t->stop;

# --- a period shorter than the days a roll-up recomputes ----------------------

my $s = PrivacyTest->new;
config($s, '1h');

$s->start;
first_view($s);
$s->stop;

$now = time;
my $today = int($now / $DAY) * $DAY;
insert_views($s,
    [$today - 3 * $DAY + 60, '/three-days', undef, 'a'],
    [$today - 2 * $DAY + 60, '/two-days', undef, 'b'],
    [$today - $DAY + 60, '/yesterday', undef, 'c']);

$log_size = length $s->error_log;
$s->start;
my $hour = sweep_line($s, $log_size) // '';
$hour =~ s/ in \d+ s / in N s /;
like($hour, qr/: retention sweep: 1 page views from before \Q@{[
    day_of($today - 2 * $DAY)]} deleted in N s (privacy_retention analytics 1h)/,
    'a period of an hour: only days before the recomputed ones are swept');
is_deeply($s->sqlite('SELECT path FROM analytics_events WHERE path <> ?'
    . ' ORDER BY ts', '/index.html'),
    [{ path => '/two-days' }, { path => '/yesterday' }],
    'the last two days keep their page views for the next roll-up');
$s->stop;

done_testing();
