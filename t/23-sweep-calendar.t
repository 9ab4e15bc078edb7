#!/usr/bin/perl

# Retention sweeps by calendar months and years (issue #19): raw page
# views, daily aggregates and consent receipts are gone after one sweep
# exactly when their period has run out, and kept a day before; consent
# receipts count from the end of the consent (replaced, withdrawn or
# expired), not from when it was given.  Each sweep leaves a record in
# the register and a notice line per category; a dry run counts the same
# and deletes nothing.
#
# Old rows are written straight into the register while nginx is stopped.
# The expected cutoffs are computed here independently of the module:
# a record of day D is kept through D + period (calendar months, the day
# clamped to the month's end) and goes at the next midnight, UTC.

use strict;
use warnings;

use FindBin;
use lib "$FindBin::Bin/lib";

use Test::More;
use DBI;
use DBD::SQLite;
use PrivacyTest;
use Sweep qw(cutoff day_of site_config register first_view);

my $HOST = $Sweep::HOST;
my $DAY = 86400;

# --- configuration and data ---------------------------------------------------

sub config {
    my ($t, $extra) = @_;
    site_config($t, analytics => 1, http => <<"EOF");
    privacy_retention analytics 24M;
    privacy_retention analytics_aggregate 36M;
    privacy_retention consent 13M;
    privacy_consent_cookie privacy_consent max_age=180d;
    $extra
EOF
}

sub insert {
    my ($t, $views, $days, $receipts) = @_;
    my $dbh = register($t);
    my $v = $dbh->prepare('INSERT INTO analytics_events (id, ts, host, path,'
        . ' status, referrer_host, search_term, visitor, identified)'
        . ' VALUES (' . $PrivacyTest::EVENT_ID
        . ', ?1, ?, ?, 200, NULL, NULL, ?, 0)');
    $v->execute($_->[0], $HOST, $_->[1], "v$_->[0]") for @$views;
    my $d = $dbh->prepare('INSERT INTO analytics_daily (day, host,'
        . ' page_views, visitors, searches) VALUES (?, ?, 1, 1, 0)');
    $d->execute($_, 'aggregate.example') for @$days;
    my $r = $dbh->prepare('INSERT INTO consent_receipts (consent_id,'
        . ' decided_at, policy_version, categories, method, client)'
        . " VALUES (?, ?, '1', 'necessary', 'banner', 'c')");
    $r->execute(@$_) for @$receipts;
    # the first start's sweep is not the one under test
    $dbh->do('DELETE FROM sweep_categories');
    $dbh->do('DELETE FROM sweeps');
    $dbh->commit;
    $dbh->disconnect;
}

# the notice lines of the first sweep after $from bytes of the log, the
# time it took as N
sub sweep_lines {
    my @lines = Sweep::sweep_lines(@_);
    s/ in \d+ s / in N s / for @lines;
    return @lines;
}

# --- a sweep -----------------------------------------------------------------

my $t = PrivacyTest->new;
config($t, '');

$t->start;
first_view($t);
$t->stop;

my $now = time;
my $noon = 12 * 3600;
my $views_cut = cutoff($now, 24);
my $days_cut = cutoff($now, 36);
my $consent_cut = cutoff($now, 13);

# not 720 days: a calendar month is not 30 days
ok($views_cut != int(($now - 720 * $DAY) / $DAY) * $DAY - $DAY
    && $views_cut != int(($now - 720 * $DAY) / $DAY) * $DAY,
    '24 calendar months are not 720 days');

my @views = ([$views_cut - $DAY + $noon, '/day-before'],
             [$views_cut - 1, '/last-second'],
             [$views_cut, '/first-second'],
             [$views_cut + $noon, '/cutoff-day'],
             [$views_cut + 5 * $DAY, '/within-720-days']);
my @days = (day_of($days_cut - 40 * $DAY), day_of($days_cut - $DAY),
            day_of($days_cut), day_of($days_cut + $DAY));
my $max_age = 180 * $DAY;
my @receipts = (
    # given, then replaced the day before the cutoff: the first goes
    ['replaced-before', $consent_cut - 100 * $DAY],
    ['replaced-before', $consent_cut - $DAY + $noon],
    # replaced on the cutoff day: both stay
    ['replaced-on', $consent_cut - 100 * $DAY],
    ['replaced-on', $consent_cut + $noon],
    # never replaced: expired with the cookie a second before, or at, it
    ['expired-before', $consent_cut - $max_age - 1],
    ['expired-on', $consent_cut - $max_age],
    # given long before the cutoff, but relied on until a day ago
    ['long-lived', $consent_cut - 150 * $DAY],
    ['long-lived', $now - $DAY],
);
insert($t, \@views, \@days, \@receipts);

my $log_size = length $t->error_log;
$t->start;

my @lines = sweep_lines($t, $log_size, 3);
my $db = $t->db;
is_deeply(\@lines, [
    sprintf('privacy_db "%s": retention sweep: 2 page views from before %s'
        . ' deleted in N s (privacy_retention analytics 24M)', $db,
        day_of($views_cut)),
    sprintf('privacy_db "%s": retention sweep: 2 daily aggregates of days'
        . ' before %s deleted (privacy_retention analytics_aggregate 36M)',
        $db, day_of($days_cut)),
    sprintf('privacy_db "%s": retention sweep: 2 consent receipts whose'
        . ' consent ended before %s deleted (privacy_retention consent 13M)',
        $db, day_of($consent_cut)),
], 'a notice line per category: how many, before which day, and why')
    or diag($t->error_log);

is_deeply($t->sqlite('SELECT path FROM analytics_events WHERE path <> ?'
    . ' ORDER BY ts', '/index.html'),
    [{ path => '/first-second' }, { path => '/cutoff-day' },
     { path => '/within-720-days' }],
    'page views: the day before the cutoff is gone, the cutoff day kept');

is_deeply($t->sqlite('SELECT day FROM analytics_daily WHERE host = ?'
    . ' ORDER BY day', 'aggregate.example'),
    [{ day => day_of($days_cut) }, { day => day_of($days_cut + $DAY) }],
    'aggregates: the days before the cutoff are gone, the cutoff day kept');

is_deeply($t->sqlite('SELECT consent_id, decided_at FROM consent_receipts'
    . ' ORDER BY consent_id, decided_at'),
    [{ consent_id => 'expired-on', decided_at => $consent_cut - $max_age },
     { consent_id => 'long-lived', decided_at => $consent_cut - 150 * $DAY },
     { consent_id => 'long-lived', decided_at => $now - $DAY },
     { consent_id => 'replaced-before',
       decided_at => $consent_cut - $DAY + $noon },
     { consent_id => 'replaced-on', decided_at => $consent_cut - 100 * $DAY },
     { consent_id => 'replaced-on', decided_at => $consent_cut + $noon }],
    'receipts: gone a period after their consent ended, not after given');

# the sweep record
my $sweeps = $t->sqlite('SELECT * FROM sweeps');
is(scalar @$sweeps, 1, 'one sweep recorded');
ok($sweeps->[0]{finished} && $sweeps->[0]{finished} >= $sweeps->[0]{started}
    && $sweeps->[0]{started} >= int $now, 'with its start and end');
is($sweeps->[0]{dry_run}, 0, 'not a dry run');
my $worker = $sweeps->[0]{worker};
like($t->error_log, qr/\b$worker#\d+: privacy_db .*retention sweep/,
    'by the worker that logged it');
is_deeply($t->sqlite('SELECT category, period, cutoff, examined, deleted,'
    . ' held, asked FROM sweep_categories ORDER BY category'), [
    { category => 'analytics', period => '24M', cutoff => $views_cut,
      examined => 2, deleted => 2, held => 0, asked => 0 },
    { category => 'analytics_aggregate', period => '36M',
      cutoff => $days_cut, examined => 2, deleted => 2, held => 0,
      asked => 0 },
    { category => 'consent', period => '13M', cutoff => $consent_cut,
      examined => 2, deleted => 2, held => 0, asked => 0 },
], 'per category: its period, cutoff and counts');

# the next start within privacy_sweep_interval (1h) does not sweep again
$t->stop;
$t->start;
first_view($t);
$t->stop;
is($t->sqlite('SELECT count(*) AS n FROM sweeps')->[0]{n}, 1,
    'no second sweep within the interval');

# --- a dry run -------------------------------------------------------------

config($t, 'privacy_sweep_dry_run on;');
insert($t, [[$views_cut - 3 * $DAY, '/dry'],
            [$views_cut - 3 * $DAY + 60, '/dry']],
       [], [['dry', $consent_cut - $max_age - $DAY]]);

my $before = $t->sqlite('SELECT (SELECT count(*) FROM analytics_events)'
    . ' + (SELECT count(*) FROM analytics_daily)'
    . ' + (SELECT count(*) FROM consent_receipts) AS n')->[0]{n};

$log_size = length $t->error_log;
$t->start;
@lines = sweep_lines($t, $log_size, 3);
is_deeply([ map { s/^privacy_db "[^"]+": //r } @lines ], [
    sprintf('retention sweep (dry run): 2 page views from before %s to be'
        . ' deleted in N s (privacy_retention analytics 24M)',
        day_of($views_cut)),
    sprintf('retention sweep (dry run): 0 daily aggregates of days before'
        . ' %s to be deleted (privacy_retention analytics_aggregate 36M)',
        day_of($days_cut)),
    sprintf('retention sweep (dry run): 1 consent receipts whose consent'
        . ' ended before %s to be deleted (privacy_retention consent 13M)',
        day_of($consent_cut)),
], 'a dry run logs what a sweep would delete');
$t->stop;

is($t->sqlite('SELECT (SELECT count(*) FROM analytics_events)'
    . ' + (SELECT count(*) FROM analytics_daily)'
    . ' + (SELECT count(*) FROM consent_receipts) AS n')->[0]{n}
    - $before, 1, 'and deletes nothing (the day of /dry is rolled up)');
is_deeply($t->sqlite('SELECT s.dry_run, c.category, c.examined, c.deleted'
    . ' FROM sweeps s JOIN sweep_categories c ON c.sweep_id = s.id'
    . ' ORDER BY c.category'), [
    { dry_run => 1, category => 'analytics', examined => 2, deleted => 0 },
    { dry_run => 1, category => 'analytics_aggregate', examined => 0,
      deleted => 0 },
    { dry_run => 1, category => 'consent', examined => 1, deleted => 0 },
], 'its record: dry_run 1, the counts examined, nothing deleted');

done_testing();
