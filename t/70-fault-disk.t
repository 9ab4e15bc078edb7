#!/usr/bin/perl

# Faults of the register's filesystem while nginx runs (docs/security.md,
# "Faults"): the file turns read-only, its directory unwritable, the
# filesystem full. Each time
# pages are still served, tracking cookies still stripped, the error log
# says what failed and when writing works again, PRAGMA integrity_check is
# ok afterwards, and no acknowledged write is lost. Acknowledged, as the
# operator guide documents it: a consent receipt once the portal answered
# 303, a page view once the page was served; both are kept in the worker's
# queue and retried until written (only a full queue drops, and says so).
#
# The register lives on a tmpfs of its own (root only: mount), which a
# filler file makes full.

use strict;
use warnings;

use FindBin;
use lib "$FindBin::Bin/lib";

use DBI;
use DBD::SQLite;
use Test::More;
use PrivacyTest;
use Faults qw(front_config count_sql stripped);

plan skip_all => 'mounts a tmpfs: run as root' unless $> == 0;

my $t = PrivacyTest->new(allow_log_errors => qr/privacy_db/);
my $vol = $t->make_dir('vol', worker_owned => 1);
my @owner = (stat $vol)[4, 5];

system('mount', '-t', 'tmpfs', '-o', 'size=2m,mode=0755', 'tmpfs', $vol) == 0
    or plan skip_all => 'mount -t tmpfs does not work here';
chown @owner, $vol;
my $mounted = 1;
END { system('umount', '-l', $vol) if $mounted && $vol; }

$t->config(front_config(db => '%%DIR%%/vol/privacy.db', analytics => '*'));

my $db = "$vol/privacy.db";

sub query {
    my ($sql) = @_;
    my $dbh = DBI->connect("dbi:SQLite:dbname=$db", '', '', {
        RaiseError => 1, PrintError => 0, sqlite_busy_timeout => 5000,
        sqlite_open_flags => DBD::SQLite::OPEN_READONLY() });
    my ($v) = $dbh->selectrow_array($sql);
    $dbh->disconnect;
    return $v;
}

# Faults::count, through the read-only connection of query()
sub count {
    my ($table) = @_;
    my $n = eval { query(count_sql($table)) };
    return $n // -1;
}

sub integrity { query('PRAGMA integrity_check') }

my ($receipts, $views) = (0, 0);

# one consent decision and $n page views; counts what was acknowledged
sub traffic {
    my ($what, $n, $path) = @_;
    my $r = $t->post('/privacy/consent', [action => 'accept_all']);
    $receipts++ if $r->{status} == 303;
    is($r->{status}, 303, "$what: consent answered");

    my ($served, $stripped) = (0, 0);
    for my $i (1 .. $n) {
        $r = $t->get(($path // '/p') . "/$i",
                     { Cookie => $Faults::COOKIE });
        next unless $r->{status} == 200;
        $served++;
        $stripped++ if stripped($r);
    }
    $views += $served;
    is($served, $n, "$what: every page served");
    is($stripped, $n, "$what: tracking cookies stripped both ways");
}

$t->start;
traffic('healthy', 5);
ok($t->wait_for(sub {
    count('consent_receipts') == $receipts
        && count('analytics_events') == $views }, 15),
    'healthy: receipt and page views written');

# --- read-only register, unwritable directory ------------------------------
#
# An open SQLite connection keeps writing whatever the permissions say, and
# a filesystem with files open for writing cannot be remounted read-only:
# the fault bites when a worker opens the register, as after the reload
# that follows an operator's chmod. The old worker's clean close removes the
# -wal and -shm files, so the new one has to create them.

{
    my $what = 'read-only register file';
    my $log = length $t->error_log;
    chmod 0444, $db;
    ok($t->reload, "$what: reload") or diag($t->reload_error);

    traffic($what, 20);
    ok($t->wait_for(sub {
        substr($t->error_log, $log)
            =~ /privacy_db "[^"]+": [^\n]*(?:readonly|read-only)[^\n]*kept/
        }, 15),
        "$what: the error log says the register cannot be written")
        or diag(substr($t->error_log, $log));

    # SQLite creates -wal and -shm with the mode of the database file: a
    # worker that opened it read-only left them read-only too
    chmod 0644, grep { -e } $db, "$db-wal", "$db-shm";
    ok($t->wait_for(sub {
        count('consent_receipts') == $receipts
            && count('analytics_events') == $views }, 90),
        "$what: writable again, every acknowledged record is written")
        or diag('receipts ' . count('consent_receipts') . "/$receipts, views "
                . count('analytics_events') . "/$views");
    ok($t->wait_for(sub { substr($t->error_log, $log) =~ /writing again/ }),
        "$what: and the error log says writing works again");
    is(integrity(), 'ok', "$what: integrity_check ok");
}

# The directory unwritable while running: the open connection goes on (its
# -wal and -shm files exist), and a reload is refused by the configuration
# check, so the running workers are never replaced by ones that could not
# write.
{
    my $what = 'unwritable directory';
    chmod 0555, $vol;
    traffic($what, 20);
    ok($t->wait_for(sub {
        count('consent_receipts') == $receipts
            && count('analytics_events') == $views }, 30),
        "$what: the running workers still write");
    ok(!$t->reload, "$what: a reload is refused");
    like($t->reload_error // '', qr/privacy_db|\Q$vol\E/,
        "$what: and the error log says why");
    traffic("$what, after the refused reload", 5);
    chmod 0755, $vol;
    ok($t->reload, "$what: writable again, reload") or diag($t->reload_error);
    ok($t->wait_for(sub {
        count('consent_receipts') == $receipts
            && count('analytics_events') == $views }, 30),
        "$what: every acknowledged record is written");
    is(integrity(), 'ok', "$what: integrity_check ok");
}

# --- full filesystem ------------------------------------------------------

my $log = length $t->error_log;
{
    # fill every byte left; tmpfs limits root too
    open my $f, '>:raw', "$vol/filler" or die "filler: $!";
    my $block = "\0" x 65536;
    1 while syswrite($f, $block);
    $block = "\0" x 512;
    1 while syswrite($f, $block);
    close $f;
}

# long paths (page views keep up to 256 bytes of it) outgrow the WAL
traffic('full', 600, '/' . ('x' x 250));
ok($t->wait_for(sub {
    substr($t->error_log, $log)
        =~ /privacy_db "[^"]+": [^\n]*full[^\n]*kept/ }, 15),
    'full: the error log says the disk is full and records are kept')
    or diag(substr($t->error_log, $log));

unlink "$vol/filler" or die "unlink filler: $!";

ok($t->wait_for(sub {
    count('consent_receipts') == $receipts
        && count('analytics_events') == $views }, 90),
    'space again: every acknowledged receipt and page view is written')
    or diag('receipts ' . count('consent_receipts') . "/$receipts, views "
            . count('analytics_events') . "/$views");
is(integrity(), 'ok', 'full: integrity_check ok');

$t->stop;
unlike($t->error_log, qr/dropped \(|records lost|[1-9]\d* dropped/,
    'nothing dropped or lost');
is(count('consent_receipts'), $receipts, 'after stop: receipts all there');
is(count('analytics_events'), $views, 'after stop: page views all there');

done_testing;
# unmount first, so that the harness can remove the test directory
system('umount', '-l', $vol);
$mounted = 0;
undef $t;
