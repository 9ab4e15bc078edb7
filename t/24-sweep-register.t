#!/usr/bin/perl

# Retention sweeps of the subject register (issue #19): customers,
# suppliers, newsletter subscriptions, orders across fiscal years and
# closed requests are gone after one sweep exactly when their period has
# run out from their own reference date, and kept a day before; a
# customer's orders stay, minimised, until the bookkeeping period ends;
# nothing of a subject under a legal hold is deleted, and the sweep
# record counts it as kept under hold.  A dry run counts the same.
#
# Old rows are written straight into the register while nginx is stopped.
# The cutoffs are computed here independently of the module.

use strict;
use warnings;

use FindBin;
use lib "$FindBin::Bin/lib";

use Time::Local qw(timegm);
use Test::More;
use DBI;
use DBD::SQLite;
use PrivacyTest;
use Sweep qw(add_months cutoff day_of site_config register
             sweep_lines);

my $DAY = 86400;
my $NOON = 12 * 3600;

sub config {
    my ($t, $extra) = @_;
    site_config($t, http => <<"EOF");
    privacy_retention customer 24M;
    privacy_retention supplier 36M;
    privacy_retention newsletter 1M;
    privacy_retention bookkeeping 7y;
    privacy_retention requests 2y;
    privacy_fiscal_year_end 06-30;
    $extra
EOF
}

my $t = PrivacyTest->new;
config($t, '');

# the first start's sweep migrates the register
my $log_size = length $t->error_log;
$t->start;
sweep_lines($t, $log_size, 5) == 5 or die "no first sweep\n";
$t->stop;

my $now = time;
my $cust_cut = cutoff($now, 24);
my $supp_cut = cutoff($now, 36);
my $news_cut = cutoff($now, 1);
my $book_cut = cutoff($now, 84);
my $req_cut = cutoff($now, 24);

# bookkeeping: the fiscal year ends 30 June; an order's reference date is
# 31 December of the calendar year its fiscal year ended in
sub book_ref {
    my ($placed) = @_;
    my @g = gmtime $placed;
    my $y = $g[5] + 1900;
    $y++ if $g[4] + 1 > 6;
    return timegm(0, 0, 0, 31, 11, $y);
}
my $yc = (gmtime($book_cut + $DAY - 1))[5] + 1900 - 1;
# the last order due: placed on 30 June of the year whose 31 December is
# the last reference date before the cutoff; the first kept: a day later
my $last_due = timegm(0, 0, 0, 30, 5, $yc) + $NOON;
my $first_kept = $last_due + $DAY;
ok(book_ref($last_due) < $book_cut && book_ref($first_kept) >= $book_cut,
    'the orders chosen straddle the bookkeeping cutoff');

my $dbh = register($t);
my $subject = $dbh->prepare('INSERT INTO subjects (subject_id, external_id,'
    . ' name, email, created, updated, last_activity, relationship_ended)'
    . ' VALUES (?, ?, ?, ?, 0, 0, ?, ?)');
my $kind = $dbh->prepare('INSERT INTO subject_kinds (subject, kind, since,'
    . ' ended) VALUES ((SELECT id FROM subjects WHERE external_id = ?), ?,'
    . ' 0, ?)');
my $order = $dbh->prepare('INSERT INTO orders (subject, order_id, placed,'
    . " total, currency, items) VALUES ((SELECT id FROM subjects WHERE"
    . " external_id = ?), ?, ?, '10.00', 'SEK', '[]')");
my $request = $dbh->prepare('INSERT INTO requests (request_id, subject,'
    . " type, status, received, due, closed) VALUES (?, NULL, 'access', ?,"
    . ' 0, 0, ?)');

my $n = 0;
sub subject {
    my ($ext, $kinds, $activity, $ended) = @_;
    $n++;
    $subject->execute(sprintf('%032x', $n), $ext, "Name $ext",
        "$ext\@example.com", $activity, $ended);
    $kind->execute($ext, @$_) for @$kinds;
}

# customers: from the later of the relationship's end and last activity
subject('c-gone', [['customer', undef]], $cust_cut - 400 * $DAY,
        $cust_cut - $DAY + $NOON);
subject('c-ended-on-cutoff', [['customer', undef]], undef, $cust_cut + $NOON);
subject('c-active-later', [['customer', undef]], $cust_cut + $NOON,
        $cust_cut - 300 * $DAY);
subject('c-ongoing', [['customer', undef]], $cust_cut - 900 * $DAY, undef);
subject('c-held', [['customer', undef]], undef, $cust_cut - 100 * $DAY);
subject('c-and-club', [['customer', undef], ['club', undef]], undef,
        $cust_cut - 100 * $DAY);
# a supplier under 36M, whose kind ended on its own
subject('s-gone', [['supplier', $supp_cut - $DAY + $NOON]], undef, undef);
subject('s-kept', [['supplier', $supp_cut + $NOON]], undef, undef);
# newsletter: from unsubscribing; a subscriber stays a customer
subject('n-gone', [['newsletter', $news_cut - $DAY + $NOON],
                   ['customer', undef]], $now, undef);
subject('n-kept', [['newsletter', $news_cut + $NOON]], undef, undef);

$dbh->do('INSERT INTO holds (subject, reason, created, until) VALUES'
    . " ((SELECT id FROM subjects WHERE external_id = 'c-held'),"
    . " 'dispute', ?, ?)", undef, $now - $DAY, $now + 365 * $DAY);

# orders across fiscal-year boundaries
$order->execute('c-gone', 'o-recent', $now - 30 * $DAY);
$order->execute('c-ongoing', 'o-last-due', $last_due);
$order->execute('c-ongoing', 'o-first-kept', $first_kept);
$order->execute('c-held', 'o-held', $last_due - 400 * $DAY);

$request->execute('r-gone', 'closed', $req_cut - $DAY + $NOON);
$request->execute('r-kept', 'closed', $req_cut + $NOON);
$request->execute('r-open', 'open', undef);

$dbh->do('DELETE FROM sweep_categories');
$dbh->do('DELETE FROM sweeps');
$dbh->commit;
$dbh->disconnect;

# --- a dry run counts and deletes nothing -----------------------------------

config($t, 'privacy_sweep_dry_run on;');
$log_size = length $t->error_log;
$t->start;
my @lines = sweep_lines($t, $log_size, 5);
$t->stop;

like($lines[0], qr/retention sweep \(dry run\): customer: 3 past their/,
    'dry run: a notice line per category') or diag(join "\n", @lines);
my $dry = $t->sqlite('SELECT category, examined, deleted, held, asked'
    . ' FROM sweep_categories ORDER BY category');
is($t->sqlite('SELECT count(*) AS n FROM subjects')->[0]{n}, 10,
    'dry run: nothing deleted');
$t->sqlite_do('DELETE FROM sweep_categories');
$t->sqlite_do('DELETE FROM sweeps');

# --- a sweep ----------------------------------------------------------------

config($t, '');
$log_size = length $t->error_log;
$t->start;
@lines = sweep_lines($t, $log_size, 5);

my $db = $t->db;
is($lines[0], sprintf('privacy_db "%s": retention sweep: customer: 3 past'
    . ' their period (reference date before %s), 2 deleted, 1 kept under'
    . ' hold (privacy_retention customer 24M)', $db, day_of($cust_cut)),
    'a notice line per category, with what a hold kept')
    or diag(join "\n", @lines);

is_deeply($t->sqlite('SELECT external_id FROM subjects ORDER BY'
    . ' external_id'),
    [map { { external_id => $_ } } qw(c-active-later c-and-club
        c-ended-on-cutoff c-held c-ongoing n-gone n-kept s-kept)],
    'subjects: gone the day after their period, kept on its last day,'
    . ' on hold, or while another kind goes on');

is_deeply($t->sqlite('SELECT s.external_id, k.kind FROM subject_kinds k'
    . ' JOIN subjects s ON s.id = k.subject WHERE s.external_id'
    . " IN ('n-gone', 'c-and-club') ORDER BY 1, 2"),
    [{ external_id => 'c-and-club', kind => 'club' },
     { external_id => 'n-gone', kind => 'customer' }],
    'a kind goes, the others stay (newsletter: from unsubscribing)');

my $orders = { map { $_->{order_id} => $_ } @{ $t->sqlite('SELECT'
    . ' order_id, subject, minimised, hold_until FROM orders') } };
is_deeply([sort keys %$orders], [qw(o-first-kept o-held o-recent)],
    'orders: gone after the end of the fiscal year plus 7 years, kept a'
    . ' day later, and under hold');
ok(!defined $orders->{'o-recent'}{subject}
    && $orders->{'o-recent'}{minimised},
    'an erased customer\'s order stays for bookkeeping, unlinked and'
    . ' minimised') or diag(explain $orders);
is($orders->{'o-recent'}{hold_until},
    add_months(book_ref($now - 30 * $DAY), 84) + $DAY - 1,
    'kept until the last day of the bookkeeping period, as the rights'
    . ' portal keeps an erased person\'s orders');
ok(defined $orders->{'o-held'}{subject}, 'a held order stays linked');

is_deeply($t->sqlite('SELECT request_id FROM requests ORDER BY request_id'),
    [{ request_id => 'r-kept' }, { request_id => 'r-open' }],
    'requests: gone a period after closing, open ones kept');

my $rec = $t->sqlite('SELECT category, examined, deleted, held, asked'
    . ' FROM sweep_categories ORDER BY category');
is_deeply($rec, [
    { category => 'bookkeeping', examined => 2, deleted => 1, held => 1,
      asked => 0 },
    { category => 'customer', examined => 3, deleted => 2, held => 1,
      asked => 0 },
    { category => 'newsletter', examined => 1, deleted => 1, held => 0,
      asked => 0 },
    { category => 'requests', examined => 1, deleted => 1, held => 0,
      asked => 0 },
    { category => 'supplier', examined => 1, deleted => 1, held => 0,
      asked => 0 },
], 'the sweep record: examined, deleted, kept under hold, per category');

is_deeply([map { { %$_, deleted => 0 } } @$dry],
    [map { { %$_, deleted => 0 } } @$rec],
    'the dry run counted what the sweep then did');

$t->stop;
is($t->sqlite('PRAGMA integrity_check')->[0]{integrity_check}, 'ok',
    'the register is consistent');

done_testing;
