#!/usr/bin/perl

# Faults of the process life cycle under load (docs/security.md, "Faults"):
# "nginx -s reload" twice, then a binary upgrade (USR2 to the master, QUIT
# to the old one), while wrk keeps eight connections busy and two clients
# keep requesting pages and deciding on consent. No request fails (wrk
# counts no socket error and no other status than 200), every response has its tracking cookies
# stripped, and every acknowledged record is in the register at the end: a
# consent receipt once the portal answered 303, a page view once the page
# was served (a reload or stop writes every buffered record: operator
# guide, "Failure behaviour"). PRAGMA integrity_check is ok.

use strict;
use warnings;

use FindBin;
use lib "$FindBin::Bin/lib";

use POSIX ();
use Test::More;
use Time::HiRes qw(sleep);
use PrivacyTest;
use Faults qw(front_config client clients_stop);

my $t = PrivacyTest->new(workers => 2);

$t->config(front_config(analytics => '*', locations => <<'EOF'));

        # wrk's load: the same pages, not counted in the register
        location /load/ {
            proxy_pass http://127.0.0.1:%%BACKEND_PORT%%;
        }
EOF

sub count { Faults::count($t, @_) }

# wrk until SIGINT, each request on its own connection: a worker that
# exits closes its idle keep-alive connections, which wrk would count as
# errors although no request was lost
sub wrk {
    my $pid = fork // die "fork: $!";
    return $pid if $pid;
    open STDOUT, '>', $t->dir . '/wrk.out' or die $!;
    open STDERR, '>&', \*STDOUT or die $!;
    { exec 'wrk', '-t1', '-c8', '-d600s', '-H', 'Connection: close',
        '-H', 'Cookie: _ga=GA1.2; session=s1',
        'http://127.0.0.1:' . $t->port . '/load/page' };
    POSIX::_exit(127);
}

$t->start;
my $wrk = wrk();
END { kill 'INT', $wrk if $wrk; }
# two clients request pages and decide on consent every tenth request
my @clients = map { client($t, $_, "/c$_/") } 1 .. 2;
sleep 1;

ok($t->reload, 'reload under load') or diag($t->reload_error);
sleep 1;
ok($t->reload, 'second reload under load') or diag($t->reload_error);
sleep 1;

# binary upgrade: USR2 starts a new master from the same binary, which
# takes over the listening sockets; QUIT lets the old one finish
my $old = $t->pid;
my $pidfile = $t->dir . '/nginx.pid';
kill 'USR2', $old or die "USR2: $!";
my $new;
ok($t->wait_for(sub {
    -e "$pidfile.oldbin"
        && (($new) = (PrivacyTest::_slurp($pidfile) =~ /(\d+)/))
        && $new != $old && PrivacyTest::_alive($new) }, 30),
    'USR2: a new master runs');
ok($t->wait_for(sub { PrivacyTest::_children($new) >= 2 }, 30),
    'and has started its workers');
kill 'QUIT', $old or die "QUIT: $!";
ok($t->wait_for(sub { !PrivacyTest::_alive($old) }, 30),
    'QUIT: the old master exits');
$t->{pid} = $new;    # the harness stops the new master at the end
sleep 1;

my %n = clients_stop($t, @clients);
kill 'INT', $wrk;
waitpid $wrk, 0;
undef $wrk;

my $wrk_out = PrivacyTest::_slurp($t->dir . '/wrk.out');
my ($wrk_n) = $wrk_out =~ /(\d+) requests in /;
ok($wrk_n, 'wrk ran through the reloads and the upgrade: '
    . ($wrk_n // 0) . ' requests') or diag($wrk_out);
unlike($wrk_out, qr/Socket errors|Non-2xx/, 'none of them failed')
    or diag($wrk_out);

ok($n{views} > 0 && $n{receipts} > 0, "the clients made $n{views} page "
    . "views and $n{receipts} consent decisions");
is($n{failed} + $n{consent_failed}, 0, 'no request failed');
is($n{unstripped}, 0, 'tracking cookies stripped from every response');

$t->stop;
like($t->error_log, qr/records written, 0 dropped/,
    'the workers wrote their records at exit');
unlike($t->error_log, qr/[1-9]\d* dropped|records lost/, 'none dropped');
is(count('consent_receipts'), $n{receipts},
    'every acknowledged consent receipt is in the register');
is(count('analytics_events'), $n{views},
    'every acknowledged page view is in the register');
is($t->sqlite('PRAGMA integrity_check')->[0]{integrity_check}, 'ok',
    'integrity_check ok');

done_testing;
undef $t;
