#!/usr/bin/perl

# The rights portal answers a code request for an address not in the
# register with the same page and the same work as for a customer's
# (docs/rights.md, "Same page"): the register's -wal grows by the same
# pages either way, and nothing of the unknown address stays behind.
# No privacy_mail_command here, so no send task writes in between.

use strict;
use warnings;

use FindBin;
use lib "$FindBin::Bin/lib";

use Test::More;
use PrivacyTest;
use RegisterFile;
use RegisterApi;

my $P = '/privacy';

my $t = PrivacyTest->new;
my $api = RegisterApi->new($t, token_file => undef);

$t->config(<<"EOF");
    privacy_secret_file %%SECRET%%;
    privacy_db %%DB%%;

    server {
        listen 127.0.0.1:%%PORT%%;

        location $P/ {
            privacy_portal;
        }

@{[ $api->location ]}    }
EOF
$t->start;

my ($st) = $api->call('POST', 'subjects', { external_id => 'cust-1',
    kind => 'customer', name => 'Anna Andersson',
    email => 'anna@example.se' });
is($st, 201, 'a customer in the register');

my $form = $t->get("$P/rights", { 'Accept-Language' => 'en' });
my ($csrf) = (set_cookie_map($form)->{privacy_rights_csrf} // '')
             =~ /^(privacy_rights_csrf=[^;]+)/;
my ($tok) = $form->{content} =~ /name="token" value="([^"]+)"/;
ok($csrf && $tok, 'a form token');

my $db = $t->db;

# the portal's first request in a worker creates its table: not measured
is($t->post("$P/rights", [ email => 'first@example.se', token => $tok ],
            { Cookie => $csrf })->{status}, 200, 'a first code request');

sub wal_bytes {
    my $f = "$db-wal";
    return -e $f ? -s $f : 0;
}

# the -wal emptied, one code request, then what the -wal holds: the pages
# that request's transaction wrote
sub pages_written {
    my ($email) = @_;
    $t->sqlite_do('PRAGMA wal_checkpoint(TRUNCATE)');
    return (undef, undef) if wal_bytes() != 0;
    my $r = $t->post("$P/rights", [ email => $email, token => $tok ],
                     { Cookie => $csrf, 'Accept-Language' => 'en' });
    (my $page = $r->{content}) =~ s/nonce="[^"]+"//g;
    return (wal_bytes(), "$r->{status} $page");
}

my ($known, $kpage) = pages_written('anna@example.se');
my ($unknown, $upage) = pages_written('nobody@example.se');
ok($known, 'a known address: its transaction is in the -wal');
is($upage, $kpage, 'an unknown address gets the same page');
is($unknown, $known,
   '... and its transaction wrote as many pages as the known one');

# the other order, an address with an SQL metacharacter
($unknown) = pages_written("o'brien\@example.se");
($known) = pages_written('Anna@Example.se');
is($unknown, $known, 'the same the other way round')
    or diag "$unknown $known";

is($t->sqlite('SELECT count(*) n FROM rights_codes')->[0]{n}, 5,
   'a code stored for each request');
is_deeply([ map { $_->{recipient} } @{ $t->sqlite('SELECT recipient FROM'
              . ' outbox ORDER BY id') } ],
          [ 'anna@example.se', 'anna@example.se' ],
          'the outbox keeps only the known address\'s messages');

$t->sqlite_do('PRAGMA wal_checkpoint(TRUNCATE)');
my $bytes = RegisterFile::bytes($t);
ok(index($bytes, 'nobody@example.se') < 0,
   'the unknown address is in neither the db nor the -wal');

done_testing();
