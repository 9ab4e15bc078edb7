#!/usr/bin/perl

# Legal holds through the register API (issue #19, docs/api.md): POST
# subjects/{external_id}/hold with a reason and an end date, POST
# .../hold/release; both audited.  While the hold lasts a sweep deletes
# nothing of the subject: a customer past the period stays, counted as
# kept under hold, and an order past the bookkeeping period stays,
# minimised.  After the release the next sweep erases them.

use strict;
use warnings;

use FindBin;
use lib "$FindBin::Bin/lib";

use POSIX ();
use Test::More;
use JSON::PP;
use PrivacyTest;
use RegisterApi;

my $DAY = 86400;
my $t = PrivacyTest->new;
my $api = RegisterApi->new($t);
$t->config(<<"EOF");
    privacy_secret_file %%SECRET%%;
    privacy_db %%DB%%;
    privacy_retention customer 24M;
    privacy_retention bookkeeping 1y;

    server {
        listen 127.0.0.1:%%PORT%%;

@{[ $api->location ]}
    }
EOF

sub day { POSIX::strftime('%Y-%m-%d', gmtime $_[0]) }

# a sweep at the next start: the last one's record goes
sub sweep {
    $t->stop;
    $t->sqlite_do('DELETE FROM sweep_categories');
    $t->sqlite_do('DELETE FROM sweeps');
    my $from = length $t->error_log;
    $t->start;
    $t->wait_for(sub {
        substr($t->error_log, $from) =~ /retention sweep: bookkeeping:/;
    }, 60) or die "no sweep\n";
    return $t->sqlite('SELECT category, examined, deleted, held FROM'
        . ' sweep_categories ORDER BY category');
}

$t->start;

my $now = time;
my $old = $now - 5 * 365 * $DAY;
my ($st, $j) = $api->call('POST', 'subjects', { external_id => 'c-1',
    kind => 'customer', name => 'Anna Andersson',
    email => 'anna@example.se', relationship_ended => day($old),
    last_activity => day($old) });
is($st, 201, 'a customer whose relationship ended five years ago');
($st) = $api->call('POST', 'subjects/c-1/orders', { order_id => 'o-1',
    date => day($old) . 'T12:00:00Z', total => '10.00', currency => 'SEK' });
is($st, 200, 'with an order of then');
my $sid = $j->{subject_id};

# --- the hold ---------------------------------------------------------------

($st, $j) = $api->call('POST', 'subjects/c-1/hold', { reason => 'dispute',
    until => day($now - $DAY) });
is($st, 400, 'an end in the past is refused');
like($j->{error}, qr/until/, 'and said why');
($st, $j) = $api->call('POST', 'subjects/c-1/hold',
    { until => day($now + $DAY) });
is($st, 400, 'a reason is required');
($st, $j) = $api->call('POST', 'subjects/c-1/hold', 'not json');
is($st, 400, 'a JSON object is required');
($st, $j) = $api->call('POST', 'subjects/nobody/hold', { reason => 'x',
    until => day($now + 30 * $DAY) });
is($st, 404, 'an unknown subject: 404');

my $until = day($now + 30 * $DAY);
($st, $j) = $api->call('POST', 'subjects/c-1/hold', {
    reason => 'Tvist om order o-1', until => $until });
is($st, 201, 'POST subjects/c-1/hold: 201');
is($j->{hold}{reason}, 'Tvist om order o-1', 'the reason');
is($j->{hold}{until}, "${until}T00:00:00Z", 'the end, in UTC');
like($j->{hold}{id}, qr/^\d+$/, 'its id');

is_deeply($t->sqlite("SELECT actor, subject_id FROM audit_log"
    . " WHERE action = 'subject.hold'"), [{ actor => 'api',
    subject_id => $sid }], 'audited, by the random subject id');

# --- a sweep keeps what the hold holds ------------------------------------

my $rec = sweep();
my %by = map { $_->{category} => $_ } @$rec;
is_deeply($by{customer}, { category => 'customer', examined => 1,
    deleted => 0, held => 1 }, 'the customer is kept under hold');
is_deeply($by{bookkeeping}, { category => 'bookkeeping', examined => 1,
    deleted => 0, held => 1 }, 'and the order past its period');
my $o = $t->sqlite('SELECT subject, minimised FROM orders');
ok(defined $o->[0]{subject} && $o->[0]{minimised},
    'the held order: still the person\'s, minimised') or diag(explain $o);
($st, $j) = $api->call('GET', 'subjects/c-1');
is($j->{name}, 'Anna Andersson', 'the person is all there');

# --- the release ------------------------------------------------------------

($st, $j) = $api->call('POST', 'subjects/c-1/hold/release');
is($st, 200, 'POST subjects/c-1/hold/release');
is($j->{released}, 1, 'one hold released');
($st, $j) = $api->call('POST', 'subjects/c-1/hold/release');
is($j->{released}, 0, 'released already: nothing to release');
is($t->sqlite("SELECT count(*) AS n FROM audit_log"
    . " WHERE action = 'subject.hold_release'")->[0]{n}, 2,
    'each release audited');

$rec = sweep();
%by = map { $_->{category} => $_ } @$rec;
is_deeply($by{customer}, { category => 'customer', examined => 1,
    deleted => 1, held => 0 }, 'after the release the customer goes');
is($by{bookkeeping}{deleted}, 1, 'and the order past its period');
is($t->sqlite('SELECT count(*) AS n FROM subjects')->[0]{n}, 0,
    'the person is erased');
is($t->sqlite('SELECT count(*) AS n FROM holds')->[0]{n}, 0,
    'with the holds');

$t->stop;
is($t->sqlite('PRAGMA integrity_check')->[0]{integrity_check}, 'ok',
    'the register is consistent');

done_testing;
