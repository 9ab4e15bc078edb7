#!/usr/bin/perl

# SPEC section 9, storage failures: with the register unusable or locked,
# pages are still served, tracking cookies are still stripped, consent is
# still recorded in the browser, the error log says what happened, and the
# receipts are kept and written once the register works again.

use strict;
use warnings;

use FindBin;
use lib "$FindBin::Bin/lib";

use DBI;
use File::Path qw(remove_tree);
use Test::More;
use Time::HiRes qw(sleep time);
use PrivacyTest;
use Faults qw(front_config);

my $t = PrivacyTest->new(allow_log_errors => qr/privacy_db/);

$t->config(front_config());

# 0 also while the file exists but the worker has not yet created the
# schema in it (the query would die on the missing table)
sub receipts {
    return 0 unless -f $t->db;
    my $n = eval {
        $t->sqlite('SELECT count(*) AS n FROM consent_receipts')->[0]{n};
    };
    return $n // 0;
}

# --- the register cannot be opened: a directory where the file should be --

mkdir $t->db or die "mkdir: $!";

$t->start;

ok($t->wait_for(sub { $t->error_log =~ /privacy_db ".*": cannot open/ }),
    'unusable register: the error log says so');

my $r = $t->get('/', { Cookie => '_ga=GA1.1; session=s1' });
is($r->{status}, 200, 'pages are still served');
is($r->{content}, "cookie=[session=s1]\n",
    'tracking cookies are still stripped from the request');
ok(!(grep { /^_ga=GA/ } set_cookies($r)), 'and from the response');

for my $action (qw(accept_all reject_all)) {
    $r = $t->post('/privacy/consent', [action => $action]);
    is($r->{status}, 303, "$action: still answered");
    ok((grep { /^privacy_consent=/ } set_cookies($r)),
        "$action: the browser still gets its consent cookie");
}

# the register comes back: what was kept is written, nothing is lost

remove_tree($t->db);

ok($t->wait_for(sub { receipts() == 2 }, 15),
    'the register works again: both kept receipts are written');
ok($t->wait_for(sub { $t->error_log =~ /privacy_db ".*": writing again/ }),
    'and the error log says writing works again');

# --- a locked register: the writer waits in its thread, pages do not -------

my $dbh = DBI->connect('dbi:SQLite:dbname=' . $t->db, '', '',
                       { RaiseError => 1, AutoCommit => 1 });
$dbh->sqlite_busy_timeout(5000);
$dbh->do('BEGIN EXCLUSIVE');

$r = $t->post('/privacy/consent', [action => 'accept_all']);
is($r->{status}, 303, 'locked register: consent still answered');

for (1 .. 20) {
    $r = $t->get('/', { Cookie => '_ga=1' });
    last unless $r->{status} == 200;
}
is($r->{status}, 200, 'locked register: pages are served');
is(receipts(), 2, 'while the lock is held the new receipt waits in the '
    . 'queue (WAL readers still see the register)');

sleep 1.5;
$dbh->do('COMMIT');
$dbh->disconnect;

ok($t->wait_for(sub { receipts() == 3 }, 15),
    'the lock released: the receipt made meanwhile is written');

$t->stop;
unlike($t->error_log, qr/records lost/, 'nothing lost at exit');

done_testing;
undef $t;
