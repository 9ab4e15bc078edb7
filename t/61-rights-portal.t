#!/usr/bin/perl

# The self-service rights portal (issue #18, docs/rights.md): a customer
# imported through the register API proves who they are with a mailed
# one-time code, exports, rectifies, objects and erases; every refusal
# (wrong, expired, replayed and locked codes, an unknown address, mail
# bombing, CSRF, tampered and foreign sessions); the outbox retrying a
# failing privacy_mail_command; erasure leaving no bytes behind.

use strict;
use warnings;

use FindBin;
use lib "$FindBin::Bin/lib";

use Test::More;
use JSON::PP;
use PrivacyTest;
use RegisterFile;
use ExamplePolicy;
use MailFolder;
use RegisterApi;

my $J = JSON::PP->new->canonical;
my $P = '/privacy';

my $t = PrivacyTest->new;
my $mail = MailFolder->new($t);
my $api = RegisterApi->new($t, token_file => undef);

$t->config(<<"EOF");
    privacy_secret_file %%SECRET%%;
    privacy_db %%DB%%;
    privacy_policy $ExamplePolicy::PATH;
@{[ ExamplePolicy::retention() ]}
@{[ $mail->command('privacy@shop.example') ]}

    server {
        listen 127.0.0.1:%%PORT%%;

        location $P/ {
            privacy_portal;
        }

        location / {
            privacy on;
            privacy_analytics on;
            default_type text/html;
            return 200 "<p>shop</p>\n";
        }

@{[ $api->location ]}    }
EOF
$t->start;

my $PNR = '19811218-9876';
my $NAME = 'Anna Andersson';
my $EMAIL = 'anna@example.se';

my $line = $J->encode({
    external_id => 'cust-1', kind => 'customer', name => $NAME,
    email => $EMAIL, phone => '+46 70 123 45 67',
    address => 'Storgatan 1, 111 22 Stockholm', personnummer => $PNR,
    orders => [ { order_id => 'ORD-1001', date => '2024-03-05T10:00:00Z',
                  total => '499.00', currency => 'SEK',
                  items => [ { sku => 'A1', name => 'Mugg', quantity => 1,
                               price => '499.00' } ] },
                { order_id => 'ORD-1002', date => '2025-06-01T10:00:00Z',
                  total => '99.50', currency => 'SEK', items => [] } ],
});
my $imp = $t->request('POST', $api->path . '/import', { headers =>
    { 'Content-Type' => 'application/x-ndjson' }, content => "$line\n" });
my ($st, $j) = ($imp->{status} == 200 && $imp->{content} !~ /error/
                ? 201 : $imp->{status}, $imp->{content});
is($st, 201, 'a customer imported through the API') or diag $j;
($st) = $api->call('POST', 'subjects', { external_id => 'cust-2',
    kind => 'customer', name => 'Bertil Berg', email => 'bertil@example.se' });
is($st, 201, 'a second customer');

# a subject whose address hash shares its first 8 bytes with cust-1's (what
# the index holds, docs/database.md) and has an earlier id: the look-ups
# compare the whole hash, so the code goes to cust-1's address and signs
# cust-1 in (the account page below shows cust-1)
my $prefix = substr($t->sqlite(q{SELECT hex(email_hash) h FROM subjects
    WHERE external_id = 'cust-1'})->[0]{h}, 0, 16);
is($t->sqlite_do(qq{INSERT INTO subjects (id, subject_id, external_id, email,
    email_hash, created, updated) VALUES (-1, 'decoy', 'decoy',
    'decoy\@example.se', X'$prefix${\ ('00' x 24)}', 0, 0)}), 1,
   'a subject with the same indexed prefix');
is($t->sqlite(q{SELECT count(*) n FROM subjects
    WHERE substr(email_hash, 1, 8) = (SELECT substr(email_hash, 1, 8)
    FROM subjects WHERE external_id = 'cust-1')})->[0]{n}, 2,
   '... the index finds both');

# --- a browser: cookies kept per visitor ---------------------------------

sub browser { return { jar => {} } }

sub keep {
    my ($b, $res) = @_;
    for my $c (set_cookies($res)) {
        my ($n, $v) = $c =~ /^([^=]+)=([^;]*)/ or next;
        if ($c =~ /Max-Age=0\b/) { delete $b->{jar}{$n} } else {
            $b->{jar}{$n} = $v }
    }
    return $res;
}

sub cookie_header {
    my ($b) = @_;
    return join '; ', map { "$_=$b->{jar}{$_}" } sort keys %{ $b->{jar} };
}

sub get {
    my ($b, $path, %h) = @_;
    my $c = cookie_header($b);
    return keep($b, $t->get($path, { ($c ? (Cookie => $c) : ()),
                                     'Accept-Language' => 'en', %h }));
}

sub token_of { ($_[0]->{content} =~ /name="token" value="([^"]+)"/)[0] }

sub post {
    my ($b, $path, $fields, %h) = @_;
    my $c = cookie_header($b);
    return keep($b, $t->post($path, $fields,
        { ($c ? (Cookie => $c) : ()), 'Accept-Language' => 'en', %h }));
}

sub form {
    my ($b, $page) = @_;
    return token_of(get($b, "$P/$page"));
}

sub mails { $mail->messages }

sub wait_mail {
    my ($n) = @_;
    return $t->wait_for(sub { my @m = mails(); @m >= $n ? \@m : undef }, 20);
}

sub code_in {
    my ($file) = @_;
    open my $fh, '<', $file or die $!;
    local $/;
    my $m = <$fh>;
    return ($m =~ /^\s+(\d{8})\r?$/m)[0], $m;
}

# the newest message's code: messages are read as they arrive
my %seen;
sub new_code {
    my ($n) = @_;
    my $m = wait_mail($n) or return;
    my ($f) = grep { !$seen{$_}++ } @$m;
    return $f ? (code_in($f))[0] : undef;
}

sub age_codes {
    # the hour's limits are tested on their own below
    $t->sqlite_do('update rights_codes set created = created - 7200');
}

# --- the form; an unknown address gets the same page ---------------------

my $a = browser();
my $res = get($a, "$P/rights");
is($res->{status}, 200, 'GET rights: the form');
like($res->{content}, qr/name="email"/, 'asks for the e-mail address');
like($res->{content}, qr/rights\/analytics\.json/,
     'links the analytics export');
my $csrf = set_cookie_map($res)->{privacy_rights_csrf};
like($csrf, qr/Path=\/privacy\/rights;.*HttpOnly; SameSite=Strict/,
    'CSRF cookie scoped to the portal, HttpOnly, SameSite=Strict');
my $tok = token_of($res);
ok($tok, 'a form token');

for my $page ('', 'consent', 'policy') {
    like($t->get("$P/$page")->{content}, qr{href="\Q$P/rights\E"},
         "the portal's '$page' page links the rights portal");
}

my $known = post($a, "$P/rights", [ email => $EMAIL, token => $tok ]);
my $unknown = post($a, "$P/rights", [ email => 'nobody@example.se',
                                      token => $tok ]);
is($known->{status}, 200, 'code requested for a known address');
(my $k = $known->{content}) =~ s/nonce="[^"]+"//g;
(my $u = $unknown->{content}) =~ s/nonce="[^"]+"//g;
is($u, $k, 'an unknown address gets the same page');

my $msgs = wait_mail(1);
is(scalar @{ $msgs || [] }, 1, 'one message mailed (to the known address)');
$seen{ $msgs->[0] } = 1;
my ($code, $msg) = code_in($msgs->[0]);
like($code, qr/^\d{8}$/, 'an 8-digit code in the message');
like($msg, qr/^To: anna\@example\.se\r$/m, 'sent to the address on record');
like($msg, qr/^From: privacy\@shop\.example\r$/m,
     'from the configured address');
like($msg, qr/^Content-Language: en\r$/m, 'in the visitor\'s language');
like($msg, qr/^Date: .*\r\nMessage-ID: <[^>]+>\r$/m, 'RFC 5322 headers');
is($t->sqlite('select count(*) n from rights_codes')->[0]{n}, 2,
   'a code row for both addresses (the same work)');
ok(!@{ $t->sqlite('select 1 from rights_codes where hex(code_hash) like ?'
                  . ' or code_hash like ?', "%$code%", "%$code%") },
   'the code is stored only as a keyed hash');
ok($t->wait_for(sub { $t->sqlite('select sent from outbox')->[0]{sent} }),
   'the outbox records it as sent');

# --- GET on the code link changes nothing --------------------------------

$res = get($a, "$P/rights/verify?email=$EMAIL&code=$code");
is($res->{status}, 200, 'GET rights/verify shows a form');
ok(!set_cookie_map($res)->{privacy_rights}, '... and signs no one in');
is($t->sqlite('select count(*) n from rights_codes where used is not null'
              . ' or attempts > 0')->[0]{n}, 0, '... and touches no code');

# --- CSRF on verify ------------------------------------------------------

$res = post($a, "$P/rights/verify", [ email => $EMAIL, code => $code ]);
is($res->{status}, 403, 'verify without the form token: 403');
$res = post($a, "$P/rights/verify", [ email => $EMAIL, code => $code,
    token => $tok ], Origin => 'http://evil.example');
is($res->{status}, 403, 'verify from another origin: 403');
my $other = browser();
get($other, "$P/rights");
$res = post($other, "$P/rights/verify", [ email => $EMAIL, code => $code,
    token => $tok ]);
is($res->{status}, 403, 'a token of another browser: 403');

# --- wrong, then right, then replayed -------------------------------------

my $wrong = sprintf('%08d', ($code + 1) % 100000000);
$res = post($a, "$P/rights/verify", [ email => $EMAIL, code => $wrong,
    token => $tok ]);
is($res->{status}, 403, 'a wrong code: 403');
ok(!set_cookie_map($res)->{privacy_rights}, '... no session');
$res = post($a, "$P/rights/verify", [ email => 'nobody@example.se',
    code => $code, token => $tok ]);
is($res->{status}, 403, 'the code under another address: 403');

$res = post($a, "$P/rights/verify", [ email => uc($EMAIL), code => $code,
    token => $tok ]);
is($res->{status}, 303, 'the right code signs in') or diag $res->{content};
like($res->{headers}{location}, qr{\Q$P/rights/account\E$}, '... to the account page');
my $sess = set_cookie_map($res)->{privacy_rights} // '';
like($sess, qr/^privacy_rights=[A-Za-z0-9_-]+;\ Path=\/privacy\/rights;
               \ Max-Age=900;\ HttpOnly;\ SameSite=Strict$/x,
     'session cookie: short-lived, portal path, HttpOnly, SameSite=Strict') or diag $sess;

is($t->sqlite_do(q{DELETE FROM subjects WHERE external_id = 'decoy'}), 1,
   'the subject with the same prefix removed');

my $b = browser();
my $tokb = form($b, 'rights/verify');
$res = post($b, "$P/rights/verify", [ email => $EMAIL, code => $code,
    token => $tokb ]);
is($res->{status}, 403, 'the same code again (replay): 403');
ok(!set_cookie_map($res)->{privacy_rights}, '... no session');

# --- the account and the export -----------------------------------------

$res = get($a, "$P/rights/account");
is($res->{status}, 200, 'the account page');
like($res->{content}, qr/rights\/erase/, 'offers erasure');

$res = get($a, "$P/rights/export.json");
is($res->{status}, 200, 'export.json');
is($res->{headers}{'cache-control'}, 'no-store', 'not for caches');
my $x = eval { decode_json($res->{content}) } || {};
is($x->{subject}{name}, $NAME, 'the export holds the name');
is($x->{subject}{email}, $EMAIL, '... the e-mail address');
is($x->{subject}{personnummer}, $PNR, '... the personnummer, decrypted');
is_deeply([ map { $_->{order_id} } @{ $x->{subject}{orders} || [] } ],
    [ 'ORD-1001', 'ORD-1002' ], '... and the orders');
my ($case) = grep { $_->{type} eq 'access' } @{ $x->{requests} || [] };
ok($case, 'the access request is a case');
ok($case && $case->{due} > $case->{received} + 27 * 86400
   && $case->{due} <= $case->{received} + 31 * 86400,
   '... due a calendar month after receipt');

my $pr = $x->{processing} || {};
ok(@{ $pr->{purposes} || [] }
   && !grep({ !$_->{legal_basis} } @{ $pr->{purposes} }),
   'the export names the purposes with their legal bases');
ok(@{ $pr->{recipients} || [] }, '... the recipients');
ok(grep({ $_->{category} eq 'customer' && $_->{seconds} > 0 }
        @{ $pr->{retention} || [] }),
   '... and the retention the sweeps enforce');

$res = get($a, "$P/rights/export");
is($res->{status}, 200, 'the export as HTML');
like($res->{content}, qr/Anna Andersson/, '... shows the name');

# --- tampered and foreign sessions ---------------------------------------

my ($sv) = $sess =~ /^privacy_rights=([^;]+)/;
$sv //= '';
(my $bad = $sv) =~ s/^(.)/$1 eq 'A' ? 'B' : 'A'/e;
$res = $t->get("$P/rights/export.json", { Cookie => "privacy_rights=$bad" });
is($res->{status}, 403, 'a tampered session cookie: 403');
$res = $t->get("$P/rights/export.json", { Cookie => 'privacy_rights=x' });
is($res->{status}, 403, 'a malformed session cookie: 403');

# Bertil signs in with his own code; his session shows only his data
age_codes();
my $c2 = browser();
my $tok2 = form($c2, 'rights');
post($c2, "$P/rights", [ email => 'bertil@example.se', token => $tok2 ]);
my $bcode = new_code(2);
$res = post($c2, "$P/rights/verify", [ email => 'bertil@example.se',
    code => $bcode, token => $tok2 ]);
is($res->{status}, 303, 'another visitor signs in');
$x = eval { decode_json(get($c2, "$P/rights/export.json")->{content}) } || {};
is($x->{subject}{name}, 'Bertil Berg', '... and sees only his own data');

# --- rectification: SQL metacharacters and HTML stored as sent ------------

my $evil = q{<script>alert(1)</script>'; DROP TABLE subjects; --};
$res = post($c2, "$P/rights/rectify", [ name => $evil,
    address => q{"O'Brien" & <b>}, phone => '', token => $tok2 ]);
is($res->{status}, 303, 'rectify: saved');
$x = eval { decode_json(get($c2, "$P/rights/export.json")->{content}) } || {};
is($x->{subject}{name}, $evil, 'the name stored exactly as sent');
is($x->{subject}{address}, q{"O'Brien" & <b>}, 'the address too');
is($x->{subject}{phone}, undef, 'an empty field leaves the value');
$res = get($c2, "$P/rights/export");
unlike($res->{content}, qr/<script>|<b>/, 'the HTML export escapes them');
like($res->{content}, qr/&lt;script&gt;/, '... shown as text');
ok(@{ $t->sqlite("select 1 from audit_log where action = 'subject.rectify'") },
   'the audit log records that a change happened');
$res = post($c2, "$P/rights/rectify", [ email => "a\@b\r\nBcc: x\@y",
    token => $tok2 ]);
is($res->{status}, 400, 'a header-breaking e-mail address refused');

# --- restriction and objection, returned through the API ------------------

post($c2, "$P/rights/restrict", [ restricted => 1, token => $tok2 ]);
post($c2, "$P/rights/object", [ objection => 'direct_marketing',
    objection => 'profiling', token => $tok2 ]);
($st, $j) = $api->call('GET', 'subjects/cust-2');
ok($j->{restricted}, 'the restriction reaches the API');
is_deeply($j->{objections}, [ 'direct_marketing', 'profiling' ],
          '... and the objections');
$res = post($c2, "$P/rights/object", [ objection => "x' OR 1=1",
    token => $tok2 ]);
is($res->{status}, 400, 'an unknown objection refused');

for my $p (qw(rights rights/verify rights/erase rights/rectify
              rights/restrict rights/object rights/analytics/erase))
{
    $res = post($c2, "$P/$p", [ token => $tok2, email => $EMAIL ],
                Origin => 'https://evil.example');
    is($res->{status}, 403, "POST $p from another origin: 403");
    $res = post($c2, "$P/$p", [ email => $EMAIL ]);
    is($res->{status}, 403, "POST $p without a form token: 403");
}

# --- erasure --------------------------------------------------------------

my $hashes = $t->sqlite("select hex(pnr_hash) p, hex(email_hash) e from"
                        . " subjects where external_id = 'cust-1'")->[0];
$res = post($a, "$P/rights/erase", [ token => $tok ]);
is($res->{status}, 200, 'erase');
like($res->{content}, qr/Bokföringslagen/, 'says what is kept and why');
like($res->{content}, qr/2032-12-31/,
     'the 2025 order is kept to the end of the 7th year after');
like(set_cookie_map($res)->{privacy_rights} // '', qr/Max-Age=0/,
     'the session ends');
$x = eval { decode_json($t->get("$P/rights/export.json",
                        { Cookie => "privacy_rights=$sv" })->{content}) }
     || {};
ok(exists $x->{subject} && !defined $x->{subject},
   'the export is now empty');

my $o = $t->sqlite("select order_id, subject, minimised, hold_until from"
                   . " orders order by order_id");
is(scalar @$o, 2, 'the bookkeeping order rows remain');
ok(!grep({ defined $_->{subject} || !$_->{minimised} } @$o),
   '... unlinked and marked minimised');
like(scalar(gmtime($o->[0]{hold_until} // 0)), qr/Dec 31 23:59:59 2031/,
     '... held to the end of 2031 (fiscal year 2024)');

my $db = $t->db;
my $dump = `sqlite3 $db .dump`;
my $bytes = RegisterFile::bytes($t);
for my $needle ($NAME, $EMAIL, '198112189876', '811218-9876') {
    unlike($dump, qr/\Q$needle\E/, "no '$needle' in a dump");
    ok(index($bytes, $needle) < 0, "no '$needle' in the db or -wal bytes");
}
for my $h (@$hashes{qw(p e)}) {
    ok(index($bytes, pack('H*', $h)) < 0, 'no keyed hash in the bytes');
    unlike($dump, qr/$h/i, '... nor in a dump');
}
($st, $j) = $api->call('GET', 'audit/verify');
is($st, 200, 'audit/verify');
ok($j && !$j->{first_broken}, 'the audit chain still verifies')
    or diag explain $j;

# --- expired, locked (the sixth attempt), mail bombing --------------------

age_codes();
my $d = browser();
my $tokd = form($d, 'rights');
post($d, "$P/rights", [ email => 'bertil@example.se', token => $tokd ]);
my $dcode = new_code(3);
$t->sqlite_do('update rights_codes set expires = 1 where id = (select max(id)'
              . ' from rights_codes)');
$res = post($d, "$P/rights/verify", [ email => 'bertil@example.se',
    code => $dcode, token => $tokd ]);
is($res->{status}, 403, 'an expired code: 403');
ok(!set_cookie_map($res)->{privacy_rights}, '... no session');

age_codes();
post($d, "$P/rights", [ email => 'bertil@example.se', token => $tokd ]);
$dcode = new_code(4);
$wrong = sprintf('%08d', ($dcode + 7) % 100000000);
my @attempts = map { post($d, "$P/rights/verify", [
    email => 'bertil@example.se', code => $wrong, token => $tokd ]) } 1 .. 5;
like($attempts[3]{content}, qr/wrong/, 'the fourth wrong attempt: wrong');
like($attempts[4]{content}, qr/locked/,
     'the fifth wrong attempt locks the code');
$res = post($d, "$P/rights/verify", [ email => 'bertil@example.se',
    code => $dcode, token => $tokd ]);
is($res->{status}, 403, 'the sixth attempt, with the right code: 403');
like($res->{content}, qr/locked/, '... locked');
ok(!set_cookie_map($res)->{privacy_rights}, '... no session');

my @st = map { post($d, "$P/rights", [ email => 'bertil@example.se',
    token => $tokd ])->{status} } 1 .. 3;
is_deeply(\@st, [ 200, 200, 429 ],
          'three codes an hour per address, not a fourth (mail bombing)');
is($t->sqlite("select count(*) n from outbox o join subjects s on"
              . " s.id = o.subject where s.external_id = 'cust-2' and"
              . " o.created > strftime('%s','now') - 3600 and"
              . " o.purpose = 'code'")->[0]{n}, 5,
   '... no message for the refused request');

age_codes();
my @cl = map { post($d, "$P/rights", [ email => "x$_\@example.se",
                                       token => $tokd ])->{status} } 1 .. 11;
is_deeply([ @cl[0, 9, 10] ], [ 200, 200, 429 ],
          'ten codes an hour from one client, not an eleventh');

# --- analytics linked to a browser's consent id, without e-mail ----------

my $e = browser();
$res = get($e, "$P/rights/analytics.json");
is($res->{status}, 403, 'analytics.json without consent to statistics: 403');
$res = $t->post("$P/consent", [ action => 'accept_all' ]);
keep($e, $res);
ok($e->{jar}{privacy_consent}, 'a browser consents to statistics');
get($e, '/shop-page', 'User-Agent' =>
    'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/120 Safari/537.36');
my ($cid) = @{ $t->wait_for(sub {
    my $r = $t->sqlite('select visitor from analytics_events where'
                       . ' identified = 1');
    @$r ? [ $r->[0]{visitor} ] : undef }, 20) || [] };
ok($cid, 'its page view is linked to its consent id');
$res = get($e, "$P/rights/analytics.json");
is($res->{status}, 200, 'analytics.json');
$x = eval { decode_json($res->{content}) } || {};
is($x->{consent_id}, $cid, '... of this browser');
is_deeply([ map { $_->{path} } @{ $x->{page_views} || [] } ],
          [ '/shop-page' ], '... with its page view');
my $toke = form($e, 'rights');
$res = post($e, "$P/rights/analytics/erase", [ token => $toke ]);
is($res->{status}, 200, 'analytics/erase');
is($t->sqlite('select count(*) n from analytics_events where visitor = ?',
              $cid)->[0]{n}, 0, '... deletes its page views');
$x = eval { decode_json(get($e, "$P/rights/analytics.json")->{content}) }
     || {};
is_deeply($x->{page_views}, [], '... and the download is empty');

# --- an objection to analytics stops analytics for that browser -----------

my $UA = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/120'
         . ' Safari/537.36';
age_codes();
# the two codes of the mail bombing above may still be on their way (the
# outbox is sent every 5 s): delivered before the count, not taken for
# the next code
ok($t->wait_for(sub { !$t->sqlite('select count(*) n from outbox where'
                                  . ' sent is null')->[0]{n} }, 20),
   'the outbox is sent before the next code');
$seen{$_}++ for mails();
my $nmail = () = mails();
my $f = browser();
my $tokf = form($f, 'rights');
post($f, "$P/rights", [ email => 'bertil@example.se', token => $tokf ]);
my $fcode = new_code($nmail + 1);
post($f, "$P/rights/verify", [ email => 'bertil@example.se', code => $fcode,
    token => $tokf ]);
ok($f->{jar}{privacy_rights}, 'signed in to object');
$res = post($f, "$P/rights/object", [ objection => 'analytics',
    token => $tokf ]);
is($res->{status}, 303, 'objection to analytics saved');
ok($f->{jar}{privacy_consent}, '... and the browser\'s consent cookie marked');
# the receipt is queued and written by the worker's writer (not at once)
ok($t->wait_for(sub { @{ $t->sqlite("select 1 from consent_receipts"
        . " where method = 'analytics_objection'") } }), '... with a receipt');
get($f, '/objected-page', 'User-Agent' => $UA);
get(browser(), '/control-page', 'User-Agent' => $UA);
ok($t->wait_for(sub { @{ $t->sqlite("select 1 from analytics_events where"
                                    . " path = '/control-page'") } }, 20),
   'a page view of another browser is counted');
is($t->sqlite("select count(*) n from analytics_events where path ="
              . " '/objected-page'")->[0]{n}, 0,
   '... the objecting browser\'s is not');

# --- the mail command failing, and the outbox retrying --------------------

age_codes();
$mail->flag('fail', 1);
my $before = () = mails();
post($d, "$P/rights", [ email => 'bertil@example.se', token => $tokd ]);
my $row = $t->wait_for(sub {
    my $r = $t->sqlite('select attempts, sent, last_error from outbox'
                       . ' order by id desc limit 1')->[0];
    $r->{attempts} >= 1 ? $r : undef }, 20);
ok($row && !defined $row->{sent}, 'a failing command: not sent');
like($row->{last_error} // '', qr/exited with 75/, '... the error recorded');
$mail->flag('fail', 0);
$row = $t->wait_for(sub {
    my $r = $t->sqlite('select attempts, sent from outbox'
                       . ' order by id desc limit 1')->[0];
    defined $r->{sent} ? $r : undef }, 60);
ok($row, 'sent on a later attempt once the command works');
cmp_ok($row->{attempts} // 0, '>=', 2, '... after a retry');
is(scalar(() = mails()), $before + 1, '... and delivered once');
unlike($t->error_log, qr/\b\Q$dcode\E\b/, 'no code in the error log');

done_testing();
