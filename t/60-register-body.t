#!/usr/bin/perl

# The register API's bodies and failures (issue #17, docs/api.md): an
# import larger than client_body_buffer_size (nginx buffers it in a temp
# file, the thread reads it), two large enough for a decoder thread of
# their own (bad lines among 1,200; personnummer hashed and encrypted by
# the decoder), a chunked body, and a register that cannot
# be written: 503 with nothing half-written, and the next call works once
# it can be written again.

use strict;
use warnings;

use FindBin;
use lib "$FindBin::Bin/lib";

use Test::More;
use JSON::PP;
use DBI;
use PrivacyTest;

my $J = JSON::PP->new->canonical;

my $t = PrivacyTest->new(allow_log_errors => qr/privacy_register_api/,
    timeout => 30);
$t->config(<<'EOF');
    privacy_secret_file %%SECRET%%;
    privacy_db %%DB%%;

    server {
        listen 127.0.0.1:%%PORT%%;

        location /api/ {
            client_body_buffer_size 1k;
            client_max_body_size 1m;
            privacy_register_api;
        }
    }
EOF
$t->start;

sub post {
    my ($path, $body, $type) = @_;
    my $res = $t->request('POST', "/api/$path", { content => $body,
        headers => { 'Content-Type' => $type || 'application/json' } });
    return ($res->{status}, eval { decode_json($res->{content}) });
}

# --- a body in a temp file ------------------------------------------------

my $ndjson = join '', map {
    $J->encode({ external_id => "c-$_", name => "Kund $_",
        orders => [ { order_id => "o-$_", date => '2020-02-29',
                      total => '1.00', currency => 'SEK' } ] }) . "\n"
} 1 .. 300;
cmp_ok(length $ndjson, '>', 10 * 1024, 'the import is larger than 1k');

my ($st, $j) = post('import', $ndjson, 'application/x-ndjson');
is($st, 200, 'an import from the temp file');
is($j->{created}, 300, 'every line created');
is($t->sqlite('SELECT count(*) AS n FROM orders')->[0]{n}, 300,
    'with its orders');

# a body past 256 KB is decoded by a thread of its own while the pool
# thread writes (docs/api.md): the same per-line results, in order
my @big;
for my $i (1 .. 1200) {
    push @big, $i == 300 ? '{"external_id": "big-300", "kind": '
             : $i == 700 ? ''
             : $i == 1000 ? $J->encode({ external_id => 'big-1000',
                   orders => [ { order_id => 'o-1', date => '2015-01-01',
                                 total => '1', currency => 'SEK' } ] })
             : $J->encode({ external_id => "big-$i", kind => 'customer',
                   name => "Kund $i", email => "k$i\@example.se",
                   orders => [ map { { order_id => "big-$i-$_",
                       date => '2024-03-05', total => "$_.50",
                       currency => 'SEK', items => [ { sku => "A$_",
                       name => 'Virke 45x95', quantity => 1 } ] } } 1 .. 3 ]
               });
}
my $big = join("\n", @big) . "\n";
cmp_ok(length $big, '>', 256 * 1024, 'a large import body');
($st, $j) = post('import', $big, 'application/x-ndjson');
is($st, 200, 'large import');
is($j->{lines}, 1200, 'every line counted');
is($j->{created}, 1197, 'the good lines created');
is($j->{failed}, 2, 'the malformed line and the conflict failed');
is(scalar @{ $j->{results} }, 1199, 'a result per non-blank line');
is_deeply([map { "$_->{line}:$_->{status}" }
           grep { $_->{status} != 201 } @{ $j->{results} }],
    ['300:400', '1000:400'], 'the bad lines by number');
is_deeply([map { $_->{line} } @{ $j->{results} }],
    [1 .. 699, 701 .. 1200], 'results in line order');
is($j->{results}[1198]{external_id}, 'big-1200', 'the last line is there');
is($t->sqlite(q{SELECT count(*) AS n FROM subjects
    WHERE external_id LIKE 'big-%'})->[0]{n}, 1197, 'in the register');
is($t->sqlite(q{SELECT count(*) AS n FROM orders
    WHERE order_id LIKE 'big-%'})->[0]{n}, 3 * 1197, 'with their orders');
is($t->sqlite(q{SELECT count(*) AS n FROM subjects
    WHERE external_id = 'big-1000'})->[0]{n}, 0, 'the conflict skipped whole');

# the decoder thread also hashes the e-mail address and personnummer and
# encrypts the personnummer under the new subject's id (docs/api.md); a
# subject that exists already gets it encrypted under its own id
my @pnr = map {
    $J->encode({ external_id => "pnr-$_", kind => 'customer',
        name => "Kund $_", email => "Pnr$_\@Example.se",
        address => "Storgatan $_\n111 22 Stockholm",
        personnummer => '19811218-9876',
        orders => [ { order_id => "pnr-$_", date => '2024-03-05',
                      total => '1.50', currency => 'SEK' } ] })
} 1 .. 1100;
push @pnr, $J->encode({ external_id => 'big-5',
    personnummer => '191212121212' });
my $pnr = join("\n", @pnr) . "\n";
cmp_ok(length $pnr, '>', 256 * 1024, 'a large import with personnummer');
($st, $j) = post('import', $pnr, 'application/x-ndjson');
is($st, 200, 'large import with personnummer');
is($j->{created}, 1100, 'the new subjects created');
is($j->{updated}, 1, 'the existing one updated');

for my $c (['pnr-1', '19811218-9876'], ['pnr-1100', '19811218-9876'],
           ['big-5', '19121212-1212'])
{
    my $res = $t->request('GET', "/api/subjects/$c->[0]");
    is(eval { decode_json($res->{content}) }->{personnummer}, $c->[1],
        "$c->[0]: the personnummer decrypts under its subject id");
}

is($t->sqlite(q{SELECT count(DISTINCT pnr_hash) AS n FROM subjects
    WHERE external_id LIKE 'pnr-%'})->[0]{n}, 1,
    'one lookup hash for one personnummer');
is($t->sqlite(q{SELECT count(DISTINCT email_hash) AS n FROM subjects
    WHERE external_id LIKE 'pnr-%'})->[0]{n}, 1100,
    'a lookup hash per address');

# the same hash as a single upsert's, computed by the pool thread
($st, $j) = post('subjects', '{"external_id": "one", "email":'
    . ' "pnr7@example.se", "personnummer": "19811218-9876"}');
is($st, 201, 'a single subject');
is($t->sqlite(q{SELECT count(*) AS n FROM subjects a JOIN subjects b
    ON a.email_hash = b.email_hash AND a.pnr_hash = b.pnr_hash
    WHERE a.external_id = 'one' AND b.external_id = 'pnr-7'})->[0]{n}, 1,
    'the decoder\'s hashes are the pool thread\'s, up to case');

my $bytes = '';
for my $f ($t->db, $t->db . '-wal') {
    next unless -e $f;
    open my $fh, '<:raw', $f or die "$f: $!";
    local $/;
    $bytes .= <$fh>;
}
ok(index($bytes, 'Storgatan 1100') >= 0, 'the test sees plaintext fields');
for my $run ('198112189876', '8112189876', '191212121212', '1212121212') {
    ok(index($bytes, $run) < 0, "'$run' is not in the database or -wal");
}

# --- a chunked body ---------------------------------------------------------

my $body = '{"external_id": "chunked", "name": "Chunk"}';
my $raw = $t->raw_request("POST /api/subjects HTTP/1.1\r\n"
    . "Host: localhost\r\nContent-Type: application/json\r\n"
    . "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
    . sprintf("%x\r\n%s\r\n0\r\n\r\n", length $body, $body));
like($raw, qr{^HTTP/1\.1 201 }, 'a chunked body');

# --- the register cannot be written ------------------------------------------

# another process holds the write lock past the API's 10-second
# busy_timeout: the call fails whole
my $dbh = DBI->connect('dbi:SQLite:dbname=' . $t->db, '', '',
    { RaiseError => 1, AutoCommit => 1 });
$dbh->do('BEGIN IMMEDIATE');
my $before = $dbh->selectrow_array('SELECT count(*) FROM subjects');

($st, $j) = post('subjects', '{"external_id": "late", "name": "L",'
    . ' "personnummer": "19811218-9876"}');
is($st, 503, 'a locked register: 503');
like($j->{error} // '', qr/nothing was written/, 'says so, as JSON');

$dbh->do('COMMIT');
is($dbh->selectrow_array('SELECT count(*) FROM subjects'), $before,
    'nothing half-written');
$dbh->disconnect;

($st, $j) = post('subjects', '{"external_id": "late", "name": "L"}');
is($st, 201, 'the next call works');
unlike($t->error_log, qr/19811218|8112189876/,
    'the failure logged no personnummer');

$t->stop;
done_testing;
