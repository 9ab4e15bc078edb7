#!/usr/bin/perl

# Records held in other systems (issue #19, docs/database.md): chat
# transcripts and CCTV recordings registered through the register API
# (POST records) with old reference dates.  When one is past its period
# the sweep asks its owner through privacy_erase_command (JSON on stdin:
# category, references); exit status 0 confirms and the rows go; a
# command that fails leaves them listed as due, asked, and the next sweep
# asks again.  A record of a subject under a legal hold is not asked for.
# The command is a real script writing what it was given to a file.

use strict;
use warnings;

use FindBin;
use lib "$FindBin::Bin/lib";

use POSIX ();
use Time::Local qw(timegm);
use Test::More;
use JSON::PP;
use PrivacyTest;
use RegisterApi;
use Sweep ();

my $DAY = 86400;
my $NOON = 12 * 3600;
# the first midnight whose records are still within days at $now
sub cutoff_days {
    my ($now, $days) = @_;
    return int($now / $DAY) * $DAY - $days * $DAY;
}

sub day { POSIX::strftime('%Y-%m-%dT%H:%M:%SZ', gmtime $_[0]) }

my $t = PrivacyTest->new;
my $out = $t->make_dir('erased', worker_owned => 1);
my $api = RegisterApi->new($t);
# a real owner: writes what it is asked to erase, exits with its status
$t->write_file('erase.sh', <<"EOS");
#!/bin/sh
f=\$(mktemp $out/ask-XXXXXXXX)
cat >"\$f"
exit \$(cat %%STATUS%%)
EOS
my $status_file = $t->dir . '/status';
{
    my $sh = $t->dir . '/erase.sh';
    local @ARGV = ($sh);
    my $text = do { local $/; <> };
    $text =~ s/%%STATUS%%/$status_file/;
    open my $fh, '>', $sh or die $!;
    print $fh $text;
    close $fh;
    chmod 0755, $sh;
}

sub status {
    open my $fh, '>', $status_file or die $!;
    print $fh "$_[0]\n";
    close $fh;
    chmod 0644, $status_file;
}

sub conf {
    my ($extra) = @_;
    $t->config(<<"EOF");
    privacy_secret_file %%SECRET%%;
    privacy_db %%DB%%;
    privacy_retention chat 90d;
    privacy_retention cctv 30d;
    $extra

    server {
        listen 127.0.0.1:%%PORT%%;

@{[ $api->location ]}
    }
EOF
}

# the sweep's lines, notices and warnings
sub sweep_lines { Sweep::sweep_lines($t, @_, 'notice|warn') }

sub asked {
    opendir my $d, $out or die $!;
    my @docs;
    for my $f (sort grep { /^ask-/ } readdir $d) {
        open my $fh, '<', "$out/$f" or die $!;
        push @docs, decode_json(do { local $/; <$fh> });
        unlink "$out/$f";
    }
    return [sort { $a->{category} cmp $b->{category} } @docs];
}

status(1);
conf(qq{privacy_erase_command "%%DIR%%/erase.sh";});
my $log_size = length $t->error_log;
$t->start;
sweep_lines($log_size, 2) or die "no first sweep\n";

my $now = time;
my $chat_cut = cutoff_days($now, 90);
my $cctv_cut = cutoff_days($now, 30);

my ($st) = $api->call('POST', 'subjects', { external_id => 'cust-1',
    kind => 'customer', name => 'Anna', email => 'anna@example.se' });
is($st, 201, 'a customer');
$api->call('POST', 'subjects', { external_id => 'cust-held', kind => 'customer',
    name => 'Bo', email => 'bo@example.se' });
$t->sqlite_do('INSERT INTO holds (subject, reason, created, until) VALUES'
    . " ((SELECT id FROM subjects WHERE external_id = 'cust-held'),"
    . " 'dispute', ?, ?)", $now, $now + 365 * $DAY);

my %records = (
    'chat/old' => ['chat', $chat_cut - 200 * $DAY, 'cust-1'],
    'chat/last-day-past' => ['chat', $chat_cut - $DAY + $NOON, undef],
    'chat/kept' => ['chat', $chat_cut + $NOON, 'cust-1'],
    'chat/held' => ['chat', $chat_cut - 50 * $DAY, 'cust-held'],
    'cam1/2024-01-01' => ['cctv', $cctv_cut - $DAY, undef],
    'cam1/today' => ['cctv', $now, undef],
);
for my $ref (sort keys %records) {
    my ($cat, $date, $ext) = @{ $records{$ref} };
    ($st) = $api->call('POST', 'records', { category => $cat, reference => $ref,
        reference_date => day($date), defined $ext ? (external_id => $ext)
        : () });
    is($st, 200, "POST records $ref");
}
asked();

# --- the owner fails: asked, listed as due ----------------------------------

$t->stop;
$t->sqlite_do('DELETE FROM sweep_categories');
$t->sqlite_do('DELETE FROM sweeps');
$log_size = length $t->error_log;
$t->start;
my @lines = sweep_lines($log_size, 4);

is_deeply(asked(), [
    { category => 'cctv', references => ['cam1/2024-01-01'] },
    { category => 'chat', references => ['chat/old', 'chat/last-day-past'] },
], 'the owner is asked for what is past its period, oldest first, as'
   . ' JSON on stdin; not for what a hold keeps');

my ($chat) = grep { /: chat: / } @lines;
like($chat, qr/chat:\ 3\ past\ their\ period\ .*\ 2\ asked\ of
    \ privacy_erase_command,\ 0\ erased,\ 1\ kept\ under\ hold/x,
    'the notice line')
    or diag(join "\n", @lines);
ok((grep { /chat: privacy_erase_command exited with 1; 2 records stay due/ }
    @lines), 'a warning says why and that they stay due')
    or diag(join "\n", @lines);

is_deeply($t->sqlite('SELECT reference FROM records WHERE erased IS NULL'
    . ' AND erase_asked IS NOT NULL ORDER BY reference'),
    [map { { reference => $_ } } qw(cam1/2024-01-01 chat/last-day-past
        chat/old)], 'not confirmed: still listed, asked');
is($t->sqlite('SELECT count(*) AS n FROM records')->[0]{n}, 6,
    'nothing deleted');
is_deeply($t->sqlite("SELECT category, examined, deleted, held, asked FROM"
    . " sweep_categories WHERE category IN ('chat', 'cctv')"
    . " ORDER BY category"), [
    { category => 'cctv', examined => 1, deleted => 0, held => 0,
      asked => 1 },
    { category => 'chat', examined => 3, deleted => 0, held => 1,
      asked => 2 },
], 'the sweep record: asked of other systems, none confirmed');

# --- the owner confirms: the rows go ----------------------------------------

status(0);
$t->stop;
$t->sqlite_do('DELETE FROM sweep_categories');
$t->sqlite_do('DELETE FROM sweeps');
$log_size = length $t->error_log;
$t->start;
@lines = sweep_lines($log_size, 2);
is_deeply(asked(), [
    { category => 'cctv', references => ['cam1/2024-01-01'] },
    { category => 'chat', references => ['chat/old', 'chat/last-day-past'] },
], 'the next sweep asks again');
is_deeply($t->sqlite('SELECT reference FROM records ORDER BY reference'),
    [map { { reference => $_ } } qw(cam1/today chat/held chat/kept)],
    'confirmed: gone; kept on its last day, and under hold');
($chat) = grep { /: chat: / } @lines;
like($chat, qr/2 asked of privacy_erase_command, 2 erased, 1 kept under/,
    'the notice line counts them erased') or diag(join "\n", @lines);
$t->stop;

# --- no command: counted, not asked ----------------------------------------

$t->sqlite_do("UPDATE records SET reference_date = ? WHERE reference ="
    . " 'chat/kept'", $chat_cut - 2 * $DAY);
conf('');
$t->sqlite_do('DELETE FROM sweep_categories');
$t->sqlite_do('DELETE FROM sweeps');
$log_size = length $t->error_log;
$t->start;
@lines = sweep_lines($log_size, 2);
($chat) = grep { /: chat: / } @lines;
like($chat, qr/chat:\ 2\ past\ their\ period\ .*\ 0\ asked\ .*
    \ 1\ kept\ under\ hold\ .*;\ no\ privacy_erase_command:\ not\ asked/x,
    'without privacy_erase_command the records are counted, not asked')
    or diag(join "\n", @lines);
is($t->sqlite('SELECT count(*) AS n FROM records')->[0]{n}, 3,
    'and kept');
$t->stop;

is($t->sqlite('PRAGMA integrity_check')->[0]{integrity_check}, 'ok',
    'the register is consistent');

done_testing;
