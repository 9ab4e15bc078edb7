#!/usr/bin/perl

# The register API (issue #17, docs/api.md): every endpoint, the answers
# and the refusals; the personnummer never in plaintext in the database,
# its -wal or the error log; the audit chain and an edited row.

use strict;
use warnings;

use FindBin;
use lib "$FindBin::Bin/lib";

use Test::More;
use JSON::PP;
use PrivacyTest;
use RegisterFile;
use RegisterApi;

my $J = JSON::PP->new->canonical;

my $t = PrivacyTest->new(error_log_level => 'debug');
my $api = RegisterApi->new($t);
$t->config(<<"EOF");
    privacy_secret_file %%SECRET%%;
    privacy_db %%DB%%;

    server {
        listen 127.0.0.1:%%PORT%%;
        client_max_body_size 64k;

@{[ $api->location ]}
        location /denied/ {
            deny all;
            privacy_register_api;
        }
    }
EOF
$t->start;

# a personnummer with a valid check digit, and its digit runs
my $PNR = '19811218-9876';
my @RUNS = ('198112189876', '8112189876', '811218-9876');

# --- subjects -----------------------------------------------------------

my ($st, $j, $res) = $api->call('POST', 'subjects', {
    external_id => 'cust-1', kind => 'customer', name => 'Anna Andersson',
    email => 'anna@example.se', phone => '+46 70 123 45 67',
    address => "Storgatan 1\n111 22 Stockholm", personnummer => $PNR,
    last_activity => '2019-05-01T10:00:00+02:00',
});
is($st, 201, 'POST subjects creates: 201');
is($res->{headers}{'content-type'}, 'application/json', 'JSON answer');
is($j->{external_id}, 'cust-1', 'the subject as JSON');
is($j->{personnummer}, $PNR, 'the personnummer read back, canonical');
is($j->{last_activity}, '2019-05-01T08:00:00Z', 'historical date, in UTC');
like($j->{subject_id}, qr/^[0-9a-f]{32}$/, 'a random subject id');
is_deeply([map { $_->{kind} } @{ $j->{kinds} }], ['customer'], 'kind');

($st, $j) = $api->call('POST', 'subjects', { external_id => 'cust-1',
    kind => ['newsletter'], phone => undef });
is($st, 200, 'POST subjects again updates: 200');
is($j->{name}, 'Anna Andersson', 'absent fields unchanged');
is($j->{phone}, undef, 'null clears a field');
is_deeply([map { $_->{kind} } @{ $j->{kinds} }], ['customer', 'newsletter'],
    'kinds accumulate');

($st, $j) = $api->call('GET', 'subjects/cust-1');
is($st, 200, 'GET subjects/{id}');
is($j->{email}, 'anna@example.se', 'e-mail read back');

($st, $j) = $api->call('GET', 'subjects/nobody');
is($st, 404, 'GET an unknown subject: 404');
is($j->{error}, 'no such subject', 'error as JSON');

# --- activity, orders, end, records ---------------------------------------

($st, $j) = $api->call('POST', 'subjects/cust-1/activity',
    { at => '2024-02-01' });
is($st, 200, 'activity');
is($j->{last_activity}, '2024-02-01T00:00:00Z', 'activity touches');

($st, $j) = $api->call('POST', 'subjects/cust-1/activity', '');
is($st, 200, 'activity without a body: now');

($st, $j) = $api->call('POST', 'subjects/cust-1/orders', { order_id => 'o-1',
    date => '2024-03-15T12:00:00Z', total => '499.00', currency => 'SEK',
    items => [{ sku => 'A1', name => 'Mugg', quantity => 2,
                price => '249.50' }] });
is($st, 200, 'orders');
is($j->{orders}[0]{order_id}, 'o-1', 'the order is listed');
is($j->{orders}[0]{items}[0]{name}, 'Mugg', 'with its items');

$api->call('POST', 'subjects', { external_id => 'cust-2', kind => 'customer' });
($st, $j) = $api->call('POST', 'subjects/cust-2/orders', { order_id => 'o-1',
    date => '2024-03-15', total => 1, currency => 'SEK' });
is($st, 409, "another subject's order id: 409");

($st, $j) = $api->call('POST', 'subjects/cust-1/end',
    { at => '2024-06-01', kind => 'newsletter' });
is($st, 200, 'end one kind');
my ($nl) = grep { $_->{kind} eq 'newsletter' } @{ $j->{kinds} };
is($nl->{ended}, '2024-06-01T00:00:00Z', 'the newsletter ended');
is($j->{relationship_ended}, undef, 'the relationship goes on');

($st, $j) = $api->call('POST', 'subjects/cust-1/end', { at => '2024-07-01' });
is($j->{relationship_ended}, '2024-07-01T00:00:00Z', 'relationship ended');

($st, $j) = $api->call('POST', 'records', { category => 'chat',
    reference => 'chat/2024/1', reference_date => '2024-01-02',
    external_id => 'cust-1' });
is($st, 200, 'records');
is($t->sqlite('SELECT count(*) AS n FROM records WHERE category = ?',
    'chat')->[0]{n}, 1, 'the record is held');

($st, $j) = $api->call('POST', 'records', { category => 'CCTV',
    reference => 'x', reference_date => '2024-01-02' });
is($st, 400, 'a category is a lowercase word');

($st, $j) = $api->call('POST', 'subjects/nobody/orders', { order_id => 'o-9',
    date => '2024-03-15', total => 1, currency => 'SEK' });
is($st, 404, 'orders of an unknown subject: 404');

# --- refusals -------------------------------------------------------------

($st, $j) = $api->call('POST', 'subjects', '{"external_id": "x", ');
is($st, 400, 'malformed JSON: 400');
like($j->{error}, qr/malformed JSON/, 'says so');

($st, $j) = $api->call('POST', 'subjects', { external_id => 'x', shoe => 42 });
is($st, 400, 'unknown field: 400');

($st, $j) = $api->call('POST', 'subjects/cust-1/orders', { order_id => 'o-7',
    date => '2024-03-15', total => 1, currency => 'SEK', coupon => 'x' });
is($st, 400, 'unknown field in an order: 400');

($st, $j) = $api->call('POST', 'subjects', { external_id => 'x', name => 42 });
is($st, 400, 'wrong type: 400');
like($j->{error} // '', qr/^name:/, 'names the field');

($st, $j) = $api->call('POST', 'subjects', '[1,2]');
is($st, 400, 'not an object: 400');

($st, $j) = $api->call('POST', 'subjects', { external_id => 'x',
    personnummer => '19811218-9875' });
is($st, 400, 'invalid personnummer: 400');
unlike($j->{error} // '', qr/9875|811218/, 'the error does not repeat it');

($st, $j) = $api->call('POST', 'subjects', { external_id => 'x',
    kind => 'alien' });
is($st, 400, 'unknown kind: 400');

($st, $j) = $api->call('POST', 'subjects', { external_id => 'x',
    last_activity => '2024-02-30' });
is($st, 400, 'impossible date: 400');

($st, $j) = $api->call('POST', 'subjects', { external_id => '<b>x</b>' });
is($st, 400, 'HTML in external_id: 400');

($st, $j) = $api->call('POST', 'subjects', { external_id => 'x',
    email => '<script>@example.se' });
is($st, 400, 'HTML in email: 400');

($st, $j) = $api->call('POST', 'subjects', { external_id => 'x',
    phone => '<script>' });
is($st, 400, 'HTML in phone: 400');

($st, $j) = $api->call('POST', 'subjects', { name => 'no id' });
is($st, 400, 'external_id required');

($st, $j) = $api->call('POST', 'subjects', { external_id => 'x' },
    'Content-Type' => 'text/plain');
is($st, 415, 'wrong content type: 415');

($st, $j) = $api->call('POST', 'subjects', { external_id => 'x',
    name => 'a' x 70000 });
is($st, 413, 'over client_max_body_size: 413');

($st, $j) = $api->call('GET', 'nothing');
is($st, 404, 'unknown endpoint: 404');

($st, $j) = $api->call('DELETE', 'subjects/cust-1');
is($st, 405, 'unknown method: 405');

($st, $j) = $api->call('GET', 'subjects/cust-1', undef,
    Authorization => 'Bearer wrong');
is($st, 401, 'wrong token: 401');
($st, $j, $res) = $api->call('GET', 'subjects/cust-1', undef,
    Authorization => undef);
is($st, 401, 'no token: 401');
is($res->{headers}{'www-authenticate'}, 'Bearer', 'asks for a bearer');

$res = $t->request('GET', '/denied/subjects/cust-1');
is($res->{status}, 403, 'deny all: 403 before the API runs');

# SQL metacharacters and HTML in every text field: stored and given back
my $evil = q{'; DROP TABLE subjects; -- <script>alert("x")</script> &amp;};
($st, $j) = $api->call('POST', 'subjects', { external_id => q{o'brien;--},
    name => $evil, address => $evil, email => q{o'brien;--@example.se},
    kind => 'club' });
is($st, 201, 'SQL metacharacters and HTML accepted as data');
($st, $j) = $api->call('GET', "subjects/o'brien;--");
is($j->{name}, $evil, 'name round-trips unchanged');
is($j->{address}, $evil, 'address round-trips unchanged');
is($j->{email}, q{o'brien;--@example.se}, 'email round-trips unchanged');
($st, $j) = $api->call('POST', "subjects/o'brien;--/orders", {
    order_id => q{x';--}, date => '2024-01-01', total => '1',
    currency => 'SEK', items => [{ sku => $evil, name => $evil,
    quantity => 1, price => q{<b>1</b>} }] });
is($st, 200, 'SQL metacharacters and HTML in an order');
is($j->{orders}[0]{items}[0]{name}, $evil, 'item round-trips unchanged');
is($j->{orders}[0]{order_id}, q{x';--}, 'order id round-trips unchanged');
($st, $j) = $api->call('POST', 'records', { category => 'chat',
    reference => $evil, reference_date => '2024-01-01' });
is($st, 200, 'SQL metacharacters and HTML in a record reference');
is($t->sqlite('SELECT reference FROM records WHERE reference = ?',
    $evil)->[0]{reference}, $evil, 'stored as sent');
($st, $j) = $api->call('POST', 'subjects/cust-1/orders', { order_id => '<b>',
    date => '2024-01-01', total => '1', currency => 'SEK' });
is($st, 400, 'HTML in order_id: 400');
($st, $j) = $api->call('POST', 'subjects/cust-1/orders', { order_id => 'o-x',
    date => '2024-01-01', total => q{1; DROP TABLE orders}, currency => 'SEK' });
is($st, 400, 'SQL in total: 400');
($st, $j) = $api->call('POST', 'subjects/cust-1/orders', { order_id => 'o-x',
    date => '2024-01-01', total => '1', currency => '<b>' });
is($st, 400, 'HTML in currency: 400');
($st, $j) = $api->call('POST', 'subjects/cust-1/activity', { at => $evil });
is($st, 400, 'HTML in a date: 400');
($st, $j) = $api->call('POST', 'subjects/cust-1/orders', { order_id => 'o-x',
    date => '2024-01-01', total => '1', currency => 'SEK',
    items => [{ quantity => '1' }] });
is($st, 400, 'a quantity as a string: 400');
is($t->sqlite('SELECT count(*) AS n FROM subjects')->[0]{n}, 3,
    'the table is intact');

# --- import ---------------------------------------------------------------

my $ndjson = join "\n",
    $J->encode({ external_id => 'imp-1', kind => 'customer', name => 'Bo',
        email => 'bo@example.se', personnummer => '811218-9876',
        orders => [ { order_id => 'i-1', date => '2015-01-01',
                      total => '10.00', currency => 'SEK' } ] }),
    '{"external_id": "imp-2", "name": ',
    $J->encode({ external_id => 'imp-3', orders => [
        { order_id => 'i-3', date => '2015-01-01', total => '1',
          currency => 'SEK' },
        { order_id => 'i-3b', date => 'yesterday', total => '1',
          currency => 'SEK' } ] }),
    $J->encode({ external_id => 'imp-4', orders => [
        { order_id => 'o-1', date => '2015-01-01', total => '1',
          currency => 'SEK' } ] }),
    $J->encode({ external_id => 'imp-5', kind => ['supplier', 'club'] });
($st, $j) = $api->call('POST', 'import', "$ndjson\n",
    'Content-Type' => 'application/x-ndjson');
is($st, 200, 'import');
is($j->{lines}, 5, 'five lines');
is($j->{created}, 2, 'two created');
is($j->{failed}, 3, 'three failed');
is_deeply([map { $_->{status} } @{ $j->{results} }], [201, 400, 400, 400,
    201], 'per-line results');
is($t->sqlite(q{SELECT count(*) AS n FROM subjects
    WHERE external_id IN ('imp-2', 'imp-3', 'imp-4')})->[0]{n}, 0,
    'bad lines are skipped whole');
is($t->sqlite(q{SELECT count(*) AS n FROM orders
    WHERE order_id IN ('i-3', 'i-3b')})->[0]{n}, 0,
    'no order of a bad line');
($st, $j) = $api->call('GET', 'subjects/imp-1');
is($j->{personnummer}, $PNR, 'an imported ten-digit number, canonical');
is($j->{orders}[0]{total}, '10.00', 'with its order');

($st, $j) = $api->call('POST', 'import', '{"external_id":"x"}',
    'Content-Type' => 'text/csv');
is($st, 415, 'import wants NDJSON');

# --- what is on disk ------------------------------------------------------

my $bytes = RegisterFile::bytes($t);
ok(index($bytes, 'Anna Andersson') >= 0, 'the test sees plaintext fields');
for my $run (@RUNS) {
    ok(index($bytes, $run) < 0, "'$run' is not in the database or -wal");
}
for my $run (@RUNS) {
    ok(index($t->error_log, $run) < 0, "'$run' is not in the error log");
}

# --- audit ----------------------------------------------------------------

($st, $j) = $api->call('GET', 'audit/verify');
is($st, 200, 'audit/verify');
ok($j->{ok}, 'the chain verifies');
is($j->{entries}, $t->sqlite('SELECT count(*) AS n FROM audit_log')->[0]{n},
    'every row checked');
is($t->sqlite(q{SELECT count(*) AS n FROM audit_log
    WHERE action = 'subject.read'})->[0]{n}, 3, 'reads are audited too');
is($t->sqlite(q{SELECT count(*) AS n FROM audit_log
    WHERE subject_id IS NOT NULL
    AND (length(subject_id) != 32 OR subject_id GLOB '*[^0-9a-f]*')})
    ->[0]{n}, 0, 'audit rows hold random ids only');

eval { $t->sqlite_do(q{UPDATE audit_log SET action = 'x' WHERE id = 3}) };
like($@, qr/append-only/, 'an UPDATE is refused by the trigger');

$t->sqlite_do('DROP TRIGGER audit_log_no_update');
$t->sqlite_do(q{UPDATE audit_log SET action = 'subject.read' WHERE id = 5});
($st, $j) = $api->call('GET', 'audit/verify');
ok(!$j->{ok}, 'an edited row breaks the chain');
is($j->{first_broken}, 5, 'and is named');

$t->stop;
done_testing;
