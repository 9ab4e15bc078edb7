#!/usr/bin/perl

# Fault: the mail command fails, then hangs (docs/security.md, "Faults";
# docs/rights.md, "Mail"). A failing privacy_mail_command is logged and
# the message retried; a hanging one is killed, with everything it
# started, after 30 seconds, logged, and retried, so that it holds no pool
# thread and a reload's old worker can exit. Meanwhile pages are served,
# tracking cookies stripped and the rights portal answers; once the
# command works the one-time code is delivered. The imported subject, the
# code requests and the audit entries made before are all still there and
# PRAGMA integrity_check is ok.

use strict;
use warnings;

use FindBin;
use lib "$FindBin::Bin/lib";

use Test::More;
use PrivacyTest;
use Faults qw(front_config pages_ok);
use MailFolder;
use RegisterApi;

my $P = '/privacy';
my $EMAIL = 'anna@example.se';

# (waits up to 45 s: a reload's old worker may be waiting for the kill)
my $t = PrivacyTest->new(timeout => 45);
my $mail = MailFolder->new($t);
my $api = RegisterApi->new($t, token_file => undef);

$t->config(front_config(analytics => 1,
    http => $mail->command('privacy@shop.example'),
    locations => "\n" . $api->location));
$t->start;

sub count { Faults::count($t, @_) }

sub mails { $mail->messages }

# alive: a zombie waits for its reaper (an orphan's may be slow) but runs
# no more
sub running {
    my ($pid) = @_;
    my $stat = PrivacyTest::_slurp("/proc/$pid/stat");
    return $stat =~ /^\d+ \(.*\) ([A-Z])/ && $1 ne 'Z' && $1 ne 'X';
}

# a code for the address: the portal's form, then its POST
sub request_code {
    my $form = $t->get("$P/rights");
    my ($csrf) = (set_cookie_map($form)->{privacy_rights_csrf} // '')
        =~ /^([^;]+)/;
    my ($tok) = $form->{content} =~ /name="token" value="([^"]+)"/;
    return $t->post("$P/rights", [ email => $EMAIL, token => $tok ],
                    { Cookie => $csrf });
}

my ($st) = $api->call('POST', 'subjects', { external_id => 'cust-1',
    kind => 'customer', name => 'Anna Andersson', email => $EMAIL });
is($st, 201, 'a subject imported through the register API');
my $audit = count('audit_log');
cmp_ok($audit, '>', 0, 'the import is audited');

# --- failing ---------------------------------------------------------------

my $log = length $t->error_log;
$mail->flag('fail', 1);
is(request_code()->{status}, 200, 'failing: the code request is answered');
ok($t->wait_for(sub { substr($t->error_log, $log)
        =~ /privacy_mail_command: privacy_mail_command exited with 75 \(retried later\)/ }, 20),
    'failing: the error log says the command failed')
    or diag(substr($t->error_log, $log));
ok($t->wait_for(sub { $t->sqlite('SELECT attempts, last_error FROM outbox'
                                 . ' WHERE sent IS NULL')->[0]{last_error} }),
    'failing: the message waits in the outbox with its error');
pages_ok($t, 'failing');

# --- hanging ---------------------------------------------------------------

$log = length $t->error_log;
$mail->flag('hang', 1);
$mail->flag('fail', 0);
$t->sqlite_do('UPDATE outbox SET next_attempt = 0 WHERE sent IS NULL');
ok($t->wait_for(sub { $mail->sleepers >= 1 }, 20),
    'hanging: the command runs and hangs');
my ($sleeper) = $mail->sleepers;

pages_ok($t, 'hanging');
is(request_code()->{status}, 200,
    'hanging: the rights portal still answers');
ok(running($sleeper),
    'hanging: it answers while the command hangs, not after the kill');

# a reload while the command hangs: the old worker waits for its pool
# threads, so it can exit only because the command is killed
$mail->flag('hang', 0);
ok($t->reload, 'hanging: a reload completes, the old worker exits')
    or diag($t->reload_error);
like(substr($t->error_log, $log),
    qr/privacy_mail_command did not finish in 30 s, killed \(retried later\)/,
    'hanging: killed after 30 s, and the error log says so');
ok($t->wait_for(sub { !running($sleeper) }, 10),
    'hanging: what the command started is killed too');
pages_ok($t, 'after the reload');

# --- working again ---------------------------------------------------------

$t->sqlite_do('UPDATE outbox SET next_attempt = 0 WHERE sent IS NULL');
ok($t->wait_for(sub { mails() >= 2 }, 30),
    'working again: both codes are delivered');
ok($t->wait_for(sub { count('outbox') > 0
        && !$t->sqlite('SELECT count(*) n FROM outbox WHERE sent IS NULL')
              ->[0]{n} }, 30),
    'working again: the outbox has nothing left to send');
like(join('', map { PrivacyTest::_slurp($_) } mails()),
    qr/^To: \Q$EMAIL\E\r$/m, 'working again: mailed to the address on record');
pages_ok($t, 'working again');

is(count('subjects'), 1, 'the imported subject is still there');
cmp_ok(count('audit_log'), '>=', $audit, 'no audit entry lost');
is($t->sqlite('PRAGMA integrity_check')->[0]{integrity_check}, 'ok',
    'integrity_check ok');

$t->stop;
is($t->sqlite('PRAGMA integrity_check')->[0]{integrity_check}, 'ok',
    'after stop: integrity_check ok');

done_testing;
undef $t;
