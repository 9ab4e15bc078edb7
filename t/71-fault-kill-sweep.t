#!/usr/bin/perl

# Fault: SIGKILL in the middle of a sweep of the subject register (issue
# #19, docs/database.md "Retention"; docs/security.md, "Faults"). First a
# worker is killed while it erases customers, then the master with all
# its workers while the sweep goes on. After each kill:
#
#  - the register passes PRAGMA integrity_check;
#  - nothing is half-erased: a customer past the period is either all
#    there (the subject, its kinds, its order linked and not minimised)
#    or erased (no subject; its order kept for bookkeeping, unlinked and
#    minimised), a batch being one transaction; a subject that was a
#    club member too keeps that kind and its order;
#  - the sweep goes on: a new worker, or nginx started again, takes it up
#    and erases the rest, and nothing else: a held customer and current
#    customers stay;
#  - the audit chain still verifies (audit/verify), and the error log
#    says nothing worse than that a worker was killed.
#
# The old customers are written straight into the register (DBI) while
# nginx is stopped: enough of them that the sweep, 500 a transaction and
# at most half a second of transactions and pauses a second, is killed
# after its first transactions and before its last. The kills wait for committed
# erasures in the register, not for a time.

use strict;
use warnings;

use FindBin;
use lib "$FindBin::Bin/lib";

use POSIX ();
use Test::More;
use JSON::PP;
use DBI;
use DBD::SQLite;
use PrivacyTest;
use RegisterApi;

my $DAY = 86400;
my $OLD = 100_000;      # customers past the period, one order each
my $CURRENT = 1_000;    # customers within it
my $t = PrivacyTest->new(workers => 2, timeout => 30,
    allow_log_errors => qr/exited on signal 9/);
my $api = RegisterApi->new($t);
$t->config(<<"EOF");
    privacy_secret_file %%SECRET%%;
    privacy_db %%DB%%;
    privacy_retention customer 24M;
    privacy_retention club 24M;
    privacy_retention bookkeeping 7y;
    privacy_sweep_interval 1h;

    server {
        listen 127.0.0.1:%%PORT%%;
        server_name shop.example;

@{[ $api->location ]}
    }
EOF

sub day { POSIX::strftime('%Y-%m-%d', gmtime $_[0]) }

sub count {
    my ($sql, @bind) = @_;
    return $t->sqlite("SELECT count(*) AS n $sql", @bind)->[0]{n};
}

# the old customers still customers
sub old_left {
    return count("FROM subjects s JOIN subject_kinds k ON k.subject = s.id"
        . " WHERE s.external_id LIKE 'old-%' AND k.kind = 'customer'");
}

sub integrity {
    return $t->sqlite('PRAGMA integrity_check')->[0]{integrity_check};
}

# every old customer all there or all erased; the club members kept
sub consistent {
    my ($when) = @_;
    my $left = old_left();
    my $subjects = count("FROM subjects WHERE external_id LIKE 'old-%'");
    is(count("FROM orders WHERE order_id LIKE 'o-old-%'"
        . ' AND (subject IS NULL) != (minimised IS NOT NULL)'), 0,
        "$when: every order linked and whole, or unlinked and minimised");
    is(count("FROM orders WHERE order_id LIKE 'o-old-%'"
        . ' AND subject IS NULL AND hold_until IS NULL'), 0,
        "$when: every unlinked order kept until its bookkeeping period ends");
    is(count("FROM orders o JOIN subjects s ON s.id = o.subject"
        . " WHERE o.order_id != 'o-' || s.external_id"), 0,
        "$when: no order linked to another subject");
    is(count('FROM subjects s WHERE NOT EXISTS (SELECT 1 FROM'
        . ' subject_kinds k WHERE k.subject = s.id)'), 0,
        "$when: no subject left without a kind");
    is(count("FROM orders WHERE order_id LIKE 'o-old-%'"
        . ' AND subject IS NOT NULL'), $subjects,
        "$when: the $subjects subjects left have their orders");
    is(count("FROM orders WHERE order_id LIKE 'o-old-%'"), $OLD,
        "$when: every order kept (bookkeeping)");
    is(count("FROM subjects s JOIN subject_kinds k ON k.subject = s.id"
        . " WHERE s.external_id LIKE 'old-%' AND k.kind = 'club'"),
        $OLD / 10, "$when: every club member kept, as a club member");
    return $left;
}

# --- the register: a few subjects through the API (audited) -----------------

$t->start;
my $now = time;
my $long_ago = day($now - 5 * 365 * $DAY);
my ($st, $j) = $api->call('POST', 'subjects', { external_id => 'held-1',
    kind => 'customer', name => 'Hedda Hold', relationship_ended => $long_ago,
    last_activity => $long_ago });
is($st, 201, 'a customer whose relationship ended five years ago');
($st) = $api->call('POST', 'subjects/held-1/hold', { reason => 'Tvist',
    until => day($now + 30 * $DAY) });
is($st, 201, 'held');
($st) = $api->call('POST', 'subjects', { external_id => 'api-old',
    kind => 'customer', name => 'Gunnar Gammal',
    relationship_ended => $long_ago, last_activity => $long_ago });
is($st, 201, 'another customer of then, not held');
my $audited = count('FROM audit_log');
ok($audited >= 3, "$audited audit entries");
$t->stop;

# the old customers, their orders, and customers of now
my $dbh = DBI->connect('dbi:SQLite:dbname=' . $t->db, '', '',
    { RaiseError => 1, AutoCommit => 0, sqlite_busy_timeout => 5000 });
my $ended = $now - 3 * 365 * $DAY;
my $placed = $now - 4 * 365 * $DAY;
my $s = $dbh->prepare('INSERT INTO subjects (id, subject_id, external_id,'
    . ' name, created, updated, last_activity, relationship_ended)'
    . ' VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
my $k = $dbh->prepare('INSERT INTO subject_kinds (subject, kind, since,'
    . ' ended) VALUES (?, ?, ?, ?)');
my $o = $dbh->prepare('INSERT INTO orders (subject, order_id, placed, total,'
    . " currency, items) VALUES (?, ?, ?, '10.00', 'SEK', '[]')");
my $base = 1_000_000;
for my $i (1 .. $OLD + $CURRENT) {
    my $id = $base + $i;
    my $old = $i <= $OLD;
    my $ext = $old ? "old-$i" : "now-$i";
    my $end = $old ? $ended : undef;
    # every tenth is a club member still: only the customer kind ended,
    # the relationship goes on
    my $club = $old && $i % 10 == 0;
    $s->execute($id, sprintf('%032x', $id), $ext, "Kund $i", $placed,
        $placed, $old ? $ended : $now, $club ? undef : $end);
    $k->execute($id, 'customer', $placed, $end);
    $k->execute($id, 'club', $placed, undef) if $club;
    $o->execute($id, "o-$ext", $placed);
}
# no sweep on record: one is due at the next start
$dbh->do('DELETE FROM sweep_categories');
$dbh->do('DELETE FROM sweeps');
$dbh->commit;
$dbh->disconnect;

is(consistent('before'), $OLD, "$OLD old customers");

# --- kill -9 of the sweeping worker -----------------------------------------

$t->start;

# the worker that sweeps is on record; kill it once erasures are committed
my $sweep = $t->wait_for(sub {
    my $r = $t->sqlite('SELECT id, worker FROM sweeps WHERE finished IS NULL');
    @$r && old_left() < $OLD ? $r->[0] : undef;
}, 120);
ok($sweep, 'a sweep is erasing the old customers') or diag($t->error_log);
$sweep //= { id => 0, worker => 0 };
ok(kill('KILL', $sweep->{worker}), "the sweeping worker killed");
$t->wait_for(sub { !kill 0, $sweep->{worker} });

my $left = consistent('after kill -9 of a worker');
ok($left > 0 && $left < $OLD,
    "killed mid-sweep: $left of $OLD old customers left");
is(integrity(), 'ok', 'PRAGMA integrity_check: ok');

# --- kill -9 of the master and its workers ----------------------------------

# the master starts a new worker; the sweep goes on (this or the other)
ok($t->wait_for(sub { old_left() < $left }, 120),
    'the sweep goes on after the kill') or diag($t->error_log);

my $master = delete $t->{pid};
my @workers = PrivacyTest::_children($master);
ok(kill('KILL', $master, @workers), 'the master and its workers killed');
$t->wait_for(sub { !grep { kill 0, $_ } $master, @workers });

my $left2 = consistent('after kill -9 of the master');
ok($left2 > 0 && $left2 < $left,
    "killed mid-sweep again: $left2 old customers left");
is(integrity(), 'ok', 'PRAGMA integrity_check: ok');
is(count('FROM sweeps WHERE finished IS NOT NULL'), 0,
    'no sweep on record as finished');

# --- nginx started again: the sweep finishes --------------------------------

my $from = length $t->error_log;
$t->start;
my $done = $t->wait_for(sub {
    my $r = $t->sqlite('SELECT id FROM sweeps WHERE finished IS NOT NULL');
    @$r ? $r->[0] : undef;
}, 300);
ok($done, 'the next sweep finishes') or diag($t->error_log);

is(consistent('after the sweep'), 0, 'no old customer is left');
is(count("FROM subjects WHERE external_id LIKE 'old-%'"), $OLD / 10,
    'those who were club members too are kept as such, the rest erased');
is(count("FROM subjects WHERE external_id LIKE 'now-%'"), $CURRENT,
    'the customers of now stay');
is(count("FROM subjects WHERE external_id = 'held-1'"), 1,
    'the held customer stays');
is(count("FROM subjects WHERE external_id = 'api-old'"), 0,
    'the other old customer written through the API is erased');
is(count('FROM sweeps WHERE finished IS NULL'), 2,
    'the killed sweeps stay on record as unfinished');
my $kept = qr/\d+ deleted, 1 kept under hold/;
like(substr($t->error_log, $from),
    qr/retention sweep: customer: \d+ past their period .* $kept/,
    'the finishing sweep logs its line');

($st, $j) = $api->call('GET', 'audit/verify');
is($st, 200, 'GET audit/verify');
ok($j && $j->{ok}, 'the audit chain verifies') or diag(explain $j);
cmp_ok($j->{entries} // 0, '>=', $audited, 'with every entry written');

my @bad = grep { /\[(?:error|alert|crit|emerg)\]/
                 && !/exited on signal 9/ } split /\n/, $t->error_log;
is_deeply(\@bad, [], 'no error in the log but the killed worker');

$t->stop;
is(integrity(), 'ok', 'after stop: PRAGMA integrity_check ok');

done_testing;
