#!/usr/bin/perl

# Issue #3, "never block, lose nothing": when the writer lags (here: the
# register is locked by another process), page views queue up in the
# worker; once the queue is full new ones are dropped, counted and logged,
# and requests are never stalled.  When the lock goes, everything queued is
# written, and the worker's exit log accounts for every page view.
#
# The queue fills in two ways: its batches run out of records (short
# paths), or the arena that holds each batch's strings runs out of room
# first (long paths, ngx_http_privacy_store.c).  Either way every view
# written is stored intact.

use strict;
use warnings;

use FindBin;
use lib "$FindBin::Bin/lib";

use DBI;
use HTTP::Tiny;
use Test::More;
use PrivacyTest;
use AnalyticsShop;

my $CONF = AnalyticsShop::config(
    body => '<html><body>page</body></html>');

# Starts nginx, locks the register, sends $n page views (paths from
# $path_of) over one keep-alive connection; returns the instance, the
# views sent and the register's handle, still locked.
sub lagging_writer {
    my ($n, $path_of, $what) = @_;

    my $t = PrivacyTest->new(allow_log_errors => qr/privacy_db/);
    $t->config($CONF);
    $t->start;

    # the writer opens and migrates the register at start
    ok($t->wait_for(sub { events($t) == 0 }), "$what: register created");

    my $dbh = DBI->connect('dbi:SQLite:dbname=' . $t->db, '', '',
                           { RaiseError => 1, AutoCommit => 1 });
    $dbh->sqlite_busy_timeout(5000);
    $dbh->do('BEGIN EXCLUSIVE');

    my $ua = HTTP::Tiny->new(keep_alive => 1, agent => 'Mozilla/5.0 (X11)');
    my $url = 'http://127.0.0.1:' . $t->port;
    my $ok = 0;

    for my $i (1 .. $n) {
        $ok++ if $ua->get($url . $path_of->($i))->{status} == 200;
    }

    is($ok, $n, "$what: all $n page views were answered while the writer"
                . ' lagged');
    like($t->error_log, qr/write queue full, records dropped/,
         "$what: the full queue is logged");

    return ($t, $dbh);
}

# the same, $n identical views of one page, none dropped
sub lagging_writer_quiet {
    my ($n) = @_;

    my $t = PrivacyTest->new(allow_log_errors => qr/privacy_db/);
    $t->config($CONF);
    $t->start;
    ok($t->wait_for(sub { events($t) == 0 }), 'identical: register created');

    my $dbh = DBI->connect('dbi:SQLite:dbname=' . $t->db, '', '',
                           { RaiseError => 1, AutoCommit => 1 });
    $dbh->sqlite_busy_timeout(5000);
    $dbh->do('BEGIN EXCLUSIVE');

    my $ua = HTTP::Tiny->new(keep_alive => 1, agent => 'Mozilla/5.0 (X11)');
    my $url = 'http://127.0.0.1:' . $t->port . '/same';
    my $ok = 0;
    for (1 .. $n) {
        $ok++ if $ua->get($url)->{status} == 200;
    }
    is($ok, $n, "identical: all $n page views answered while the writer"
                . ' lagged');

    return ($t, $dbh);
}

sub events {
    my ($t) = @_;
    return $t->sqlite('SELECT coalesce(sum(views), 0) AS n'
                      . ' FROM analytics_events')->[0]{n};
}

# after stop: the exit log accounts for every view, the register holds
# what it says was written
sub accounted {
    my ($t, $sent, $what) = @_;
    my ($w, $d) = $t->error_log =~ /(\d+) records written, (\d+) dropped/;
    ok(defined $d && $d > 0, "$what: the exit log counts the dropped records ("
        . ($d // 'none') . ')');
    is($w + $d, $sent, "$what: written + dropped = every page view");
    is(events($t), $w, "$what: the database holds exactly what was written");
    return $w;
}

# --- more page views than two batches of 16,384 records hold --------------------

{
    my $sent = 36000;
    my ($t, $dbh) = lagging_writer($sent, sub { "/p$_[0]" }, 'records');

    is(events($t), 0, 'nothing could be written while the register was locked');

    $dbh->do('COMMIT');
    $dbh->disconnect;

    my $written = $t->wait_for(sub { my $n = events($t); $n >= 16384 ? $n : 0 },
                               30);
    cmp_ok($written, '>=', 16384,
           "after the lock: $written queued events written");

    $t->stop;
    accounted($t, $sent, 'records');
}

# --- 250-byte paths: about 300 bytes of strings a view, so two arenas of
# 2 MB hold some 14,000 views, fewer than two batches' 32,768 records ----------

{
    my $sent = 16000;
    my $path_of = sub { sprintf('/%06d/', $_[0]) . ('a' x 242) };
    my ($t, $dbh) = lagging_writer($sent, $path_of, 'arena');

    $dbh->do('COMMIT');
    $dbh->disconnect;

    $t->stop;
    my $written = accounted($t, $sent, 'arena');
    cmp_ok($written, '<', 2 * 16384,
           "arena: fewer written ($written) than two batches of records");

    # each row's path is one that was requested, each at most once, and
    # the rows' other strings were not overwritten by a neighbour's
    my $rows = $t->sqlite('SELECT path, host, visitor FROM analytics_events');
    my (%seen, $bad);
    for my $row (@$rows) {
        my ($i) = $row->{path} =~ m{^/(\d{6})/a{242}\z};
        $bad++ unless defined $i && !$seen{$i}++
            && $row->{host} eq '127.0.0.1'
            && $row->{visitor} =~ /\A[0-9a-f]{32}\z/;
    }
    is($bad // 0, 0, 'arena: every stored view intact: its own path, host,'
                     . ' visitor');
}

# --- identical views: counted in the worker, one row per second -------------
# While the register is locked, the views after the writer's first attempt
# all wait in one batch, where identical views of a second are one row
# whose views counts them (docs/architecture.md, "The write path"): a
# second can have two rows only where the first batch ends.

{
    my $sent = 3000;
    my ($t, $dbh) = lagging_writer_quiet($sent);

    $dbh->do('COMMIT');
    $dbh->disconnect;
    $t->stop;

    my $r = $t->sqlite('SELECT sum(views) AS v, count(*) AS n,'
        . ' count(DISTINCT ts) AS s, count(DISTINCT path) AS p,'
        . ' count(DISTINCT visitor) AS u FROM analytics_events')->[0];
    is($r->{v}, $sent, "identical: all $sent page views counted");
    cmp_ok($r->{n}, '<=', $r->{s} + 1,
           "identical: $r->{n} rows for $r->{s} seconds, one a second"
           . ' (two where the first batch ends)');
    is_deeply([ @$r{qw(p u)} ], [ 1, 1 ], 'identical: one path, one visitor');
    my ($w, $d) = $t->error_log =~ /(\d+) records written, (\d+) dropped/;
    is($w + $d, $sent, 'identical: the exit log counts every page view');
}

done_testing;
