#!/usr/bin/perl

# Fault: a worker killed with SIGKILL while it writes page-view batches
# (docs/security.md, "Faults"). The master starts a new worker, pages are
# served and tracking cookies stripped throughout, the error log says the
# worker died, the register passes PRAGMA integrity_check (the killed
# worker's transaction is rolled back from the WAL), every row committed
# before the kill is still there, and the new worker writes again.
#
# What a crash can lose: records still in the killed worker's memory, that
# is page views of at most the last second (or 2,048 of them) and receipts
# whose transaction had not committed; a receipt or a page view counts as
# durable once it is committed (docs/security.md). Committed rows survive.

use strict;
use warnings;

use FindBin;
use lib "$FindBin::Bin/lib";

use Test::More;
use PrivacyTest;
use Faults qw(front_config client clients_stop);

my $t = PrivacyTest->new(allow_log_errors => qr/exited on signal 9/);

$t->config(front_config(analytics => '*'));

sub count { Faults::count($t, @_) }

$t->start;
# two clients request pages (and decide every tenth time) until told to stop
my @clients = map { client($t, $_, "/k$_/") } 1 .. 2;

# wait until batches are being committed, then kill the worker at once
ok($t->wait_for(sub { count('analytics_events') > 500 }, 60),
    'page views are being written under load');

my @killed;
for my $round (1 .. 3) {
    my ($worker) = PrivacyTest::_children($t->pid);
    my $committed = count('analytics_events');
    my $receipts  = count('consent_receipts');
    kill 'KILL', $worker or die "kill: $!";
    push @killed, $worker;
    ok($t->wait_for(sub {
        my ($w) = PrivacyTest::_children($t->pid);
        $w && $w != $worker }, 30),
        "round $round: the master started a new worker");
    ok($t->wait_for(sub { count('analytics_events') > $committed + 100 }, 60),
        "round $round: the new worker writes page views again");
    cmp_ok(count('consent_receipts'), '>=', $receipts,
        "round $round: no committed receipt lost");
    is($t->sqlite('PRAGMA integrity_check')->[0]{integrity_check}, 'ok',
        "round $round: integrity_check ok");
}

my %n = clients_stop($t, @clients);
# a request in flight on the killed worker fails; the others are served
cmp_ok($n{failed}, '<=', 2 * @killed,
    "at most the requests in flight at each kill failed ($n{failed} of "
    . ($n{views} + $n{failed}) . ')');
is($n{unstripped}, 0, 'tracking cookies stripped from every response');

like($t->error_log, qr/worker process $killed[0] exited on signal 9/,
    'the error log says the worker was killed');

$t->stop;
is($t->sqlite('PRAGMA integrity_check')->[0]{integrity_check}, 'ok',
    'after stop: integrity_check ok');
cmp_ok(count('analytics_events'), '<=', $n{views},
    'no page view written twice');

done_testing;
undef $t;
