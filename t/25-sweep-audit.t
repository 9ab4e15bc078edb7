#!/usr/bin/perl

# The retention sweep of the audit log (issue #19, docs/database.md):
# entries go a period after the event, a day past it and not on its last
# day, and the HMAC chain stays verifiable: the register API's
# audit/verify and the DPO's audit page check it from the anchor, and new
# entries chain on.
#
# Old entries are written straight into the register while nginx is
# stopped, chained here with the key derived from the secret as the
# module derives it (HKDF-SHA256, RFC 5869).

use strict;
use warnings;

use FindBin;
use lib "$FindBin::Bin/lib";

use Digest::SHA qw(hmac_sha256);
use Test::More;
use JSON::PP;
use DBI;
use PrivacyTest;
use Dpo;
use Sweep qw(cutoff);
use RegisterApi;

my $DAY = 86400;
my $NOON = 12 * 3600;
my $t = PrivacyTest->new;
my $api = RegisterApi->new($t);
my $dpo = Dpo->new($t, host => 'shop.example');
sub conf {
    my ($extra) = @_;
    $t->config(<<"EOF");
    privacy_secret_file %%SECRET%%;
    privacy_db %%DB%%;
    privacy_retention audit 24M;
    $extra

    server {
        listen 127.0.0.1:%%PORT%%;
        server_name shop.example;

@{[ $api->location ]}
@{[ $dpo->location ]}    }
EOF
}
conf('');

sub sweep_lines { Sweep::sweep_lines($t, $_[0], 1) }

# the first start's sweep migrates the register (nothing to delete)
my $log_size = length $t->error_log;
$t->start;
sweep_lines($log_size) or die "no first sweep\n";
$t->stop;

# the chain's key: HKDF-SHA256, no salt, the module's label
sub hkdf {
    my ($secret, $info) = @_;
    my $prk = hmac_sha256($secret, "\0" x 32);
    return hmac_sha256($info . "\x01", $prk);
}

open my $fh, '<:raw', $t->secret_file or die $!;
my $secret = do { local $/; <$fh> };
close $fh;
my $key = hkdf($secret, 'ngx_privacy register audit chain');

sub field { pack('N', length $_[0]) . $_[0] }

my $now = time;
my $cut = cutoff($now, 24);
my @rows = (
    [1, $cut - 400 * $DAY, 'api', 'subject.create'],
    [2, $cut - $DAY + $NOON, 'api', 'subject.update'],  # its last day past
    [3, $cut + $NOON, 'api', 'subject.read'],           # its last day
);

my $dbh = DBI->connect('dbi:SQLite:dbname=' . $t->db, '', '',
    { RaiseError => 1, AutoCommit => 0 });
$dbh->do('DELETE FROM audit_log');
$dbh->do('DELETE FROM sweep_categories');
$dbh->do('DELETE FROM sweeps');
my $prev = "\0" x 32;
for my $r (@rows) {
    my ($id, $ts, $actor, $action) = @$r;
    my $sid = sprintf('%032x', $id);
    my $mac = hmac_sha256($prev . pack('q>q>', $id, $ts) . field($actor)
        . field($action) . field($sid), $key);
    $dbh->do('INSERT INTO audit_log (id, ts, actor, action, subject_id, mac)'
        . ' VALUES (?, ?, ?, ?, ?, ?)', undef, $id, $ts, $actor, $action,
        $sid, $mac);
    $prev = $mac;
}
$dbh->commit;
$dbh->disconnect;

sub dpo_audit { $dpo->json('audit.json') }

# --- before the sweep: the chain written here is the module's ------------

conf('privacy_sweep_dry_run on;');
$log_size = length $t->error_log;
$t->start;
my ($dry) = sweep_lines($log_size);
like($dry, qr/retention sweep \(dry run\): audit: 2 past their period/,
    'a dry run counts the two entries past their period');
my ($st, $j) = $api->call('GET', 'audit/verify');
is_deeply($j, { ok => JSON::PP::true, entries => 3 },
    'the chain written by the test verifies') or diag(explain $j);
$t->stop;

# --- the sweep --------------------------------------------------------------

conf('');
$log_size = length $t->error_log;
$t->start;
my ($line) = sweep_lines($log_size);
like($line, qr/retention sweep: audit: 2 past their period .* 2 deleted/,
    'the sweep deletes them') or diag($line);

is_deeply($t->sqlite('SELECT id FROM audit_log ORDER BY id'), [{ id => 3 }],
    'gone a day after the period, kept on its last day');
is_deeply($t->sqlite('SELECT last_id FROM audit_anchor'), [{ last_id => 2 }],
    'the anchor: the newest entry deleted');

($st, $j) = $api->call('GET', 'audit/verify');
is_deeply($j, { ok => JSON::PP::true, entries => 1 },
    'audit/verify: the chain verifies from the anchor') or diag(explain $j);

($st) = $api->call('POST', 'subjects', { external_id => 'c-1',
    kind => 'customer', name => 'Anna', email => 'anna@example.se' });
is($st, 201, 'a new subject');
($st, $j) = $api->call('GET', 'audit/verify');
ok($j->{ok} && $j->{entries} >= 2, 'new entries chain on')
    or diag(explain $j);

my $a = dpo_audit();
is($a->{chain}{intact}, JSON::PP::true, 'the DPO\'s audit page: intact');
is($a->{chain}{entries}, $j->{entries}, 'and checks every entry left');

# a removed entry after the anchor is still found
$t->sqlite_do('DELETE FROM audit_log WHERE id = 3');
($st, $j) = $api->call('GET', 'audit/verify');
ok(!$j->{ok} && $j->{first_broken} == 4, 'a gap after the anchor breaks it')
    or diag(explain $j);

$t->stop;
is($t->sqlite('PRAGMA integrity_check')->[0]{integrity_check}, 'ok',
    'the register is consistent');

done_testing;
