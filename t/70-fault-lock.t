#!/usr/bin/perl

# Fault: another process holds the register locked (BEGIN EXCLUSIVE) for
# longer than the writer's 10 s busy timeout (docs/security.md, "Faults").
# Pages are served and tracking cookies stripped meanwhile (the writer
# waits in the thread pool, not on the event loop), the error log says the
# register was locked and records are kept, and once the lock is released
# every acknowledged record is written: a consent receipt once the portal
# answered 303, a page view once the page was served (operator guide,
# "Failure behaviour"). PRAGMA integrity_check is ok afterwards.

use strict;
use warnings;

use FindBin;
use lib "$FindBin::Bin/lib";

use Test::More;
use PrivacyTest;
use Faults qw(front_config stripped hold_lock);

my $t = PrivacyTest->new(allow_log_errors => qr/privacy_db/, workers => 2);

$t->config(front_config(analytics => '*'));

sub count { Faults::count($t, @_) }

my ($receipts, $views, $stripped) = (0, 0, 0);

sub traffic {
    my ($n) = @_;
    my $r = $t->post('/privacy/consent', [action => 'reject_all']);
    $receipts++ if $r->{status} == 303;
    for my $i (1 .. $n) {
        $r = $t->get("/page/$i", { Cookie => $Faults::COOKIE });
        next unless $r->{status} == 200;
        $views++;
        $stripped++ if stripped($r);
    }
}

$t->start;
traffic(3);
ok($t->wait_for(sub { count('analytics_events') == $views }, 15),
    'the register works before the lock');

# the lock: a child process holds an exclusive transaction for 12 s
my $hold = 12;
my ($child, $line) = hold_lock($t, 'EXCLUSIVE', $hold);
is($line, "locked\n", 'another process holds the register locked');

my $log = length $t->error_log;
my ($before_r, $before_v) = ($receipts, $views);
traffic(30);
is($receipts - $before_r, 1, 'locked: the consent POST is answered');
is($views - $before_v, 30, 'locked: every page is served');
is($stripped, $views, 'locked: tracking cookies stripped both ways');

waitpid $child, 0;
is($?, 0, "the lock was held for $hold s and released");

ok($t->wait_for(sub {
    substr($t->error_log, $log)
        =~ /privacy_db "[^"]+": [^\n]*locked[^\n]*kept for retry/ }, 15),
    'the error log says the register was locked and records are kept')
    or diag(substr($t->error_log, $log));

ok($t->wait_for(sub {
    count('consent_receipts') == $receipts
        && count('analytics_events') == $views }, 120),
    'released: every acknowledged receipt and page view is written')
    or diag('receipts ' . count('consent_receipts') . "/$receipts, views "
            . count('analytics_events') . "/$views");
ok($t->wait_for(sub { substr($t->error_log, $log) =~ /writing again/ }),
    'and the error log says writing works again');

is($t->sqlite('PRAGMA integrity_check')->[0]{integrity_check}, 'ok',
    'integrity_check ok');

$t->stop;
unlike($t->error_log, qr/[1-9]\d* dropped|records lost/,
    'nothing dropped or lost at exit');
is(count('consent_receipts'), $receipts, 'after stop: receipts all there');
is(count('analytics_events'), $views, 'after stop: page views all there');

done_testing;
undef $t;
