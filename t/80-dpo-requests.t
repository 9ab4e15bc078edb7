#!/usr/bin/perl

# The DPO's requests, cookies and audit reports (issue #22,
# docs/dpo-guide.md): rights requests with their due dates, overdue first;
# extending a due date with a reason (within the first month, the person
# told by mail, art. 12(3)) and closing a case with an outcome
# from the page's forms (Origin and token checked), each audited; every
# cookie name seen, the unclassified first with a suggested pattern; the
# audit log filtered, its chain verified on the page and a tampered row
# found; hostile values inert in every format.

use strict;
use warnings;

use FindBin;
use lib "$FindBin::Bin/lib";

use Test::More;
use JSON::PP;
use PrivacyTest;
use Dpo;
use MailFolder;

my $HOST = 'shop.example';
my $DAY = 86400;

my $t = PrivacyTest->new;
my $mail = MailFolder->new($t);
my $dpo = Dpo->new($t, host => $HOST);
$t->config(<<"EOF");
    privacy_secret_file %%SECRET%%;
    privacy_db %%DB%%;
@{[ $mail->command('dpo@shop.example') ]}
    privacy_cookie necessary '^session\$';
    privacy_unclassified keep;

    server {
        listen 127.0.0.1:%%PORT%%;
        server_name $HOST;

        location / {
            privacy on;
            return 200 "shop\\n";
        }

@{[ $dpo->location ]}    }
EOF
$t->start;

# the first report migrates the register
is($dpo->get('requests.json')->{status}, 200,
    'requests.json on a new register');

my $now = time;
my $EVIL = qq{=cmd|' /C calc'!A0,<script>alert(1)</script>\n"x"};
$t->sqlite_do('INSERT INTO subjects (subject_id, external_id, email,'
    . ' created, updated) VALUES (?, ?, ?, 0, 0)', 'a1' x 16, 'k1',
    'karin@example.se');
my $ins = 'INSERT INTO requests (request_id, subject, type, status,'
    . ' received, due, outcome) VALUES (?, (SELECT id FROM subjects),'
    . ' ?, ?, ?, ?, ?)';
$t->sqlite_do($ins, 'req-late', 'access', 'open', $now - 40 * $DAY,
    $now - 10 * $DAY, undef);
$t->sqlite_do($ins, 'req-soon', 'erasure', 'open', $now - 25 * $DAY,
    $now + 5 * $DAY, undef);
$t->sqlite_do($ins, 'req-done', 'rectification', 'closed',
    $now - 60 * $DAY, $now - 30 * $DAY, $EVIL);

# --- requests -------------------------------------------------------------

my $j = $dpo->json('requests.json');
is_deeply([map { $_->{request_id} } @{ $j->{requests} }],
    [qw(req-late req-soon req-done)], 'overdue first, closed last');
is($j->{requests}[0]{days_overdue}, 11, 'how late');
is($j->{requests}[1]{days_overdue}, 0, 'not late yet');
is($j->{requests}[2]{outcome}, $EVIL, 'JSON: the outcome round-trips');
my ($late) = grep { $_->{type} eq 'access' } @{ $j->{by_type} };
is_deeply($late, { type => 'access', status => 'open', requests => 1,
    overdue => 1 }, 'by type and status');

my $ov = $dpo->json('index.json');
my %att = map { $_->{item} => $_->{count} } @{ $ov->{attention} };
is($att{requests_due_this_week}, 2, 'overview: due within a week');
is($att{requests_overdue}, 1, 'overview: overdue');

my $r = $dpo->get('requests.html?lang=en');
like($r->{content}, qr{<td class="n alert">11</td>}, 'the late one flagged');
unlike($r->{content}, qr/<script>alert/, 'HTML: no live markup');
like($r->{content}, qr/&lt;script&gt;alert\(1\)&lt;\/script&gt;/,
    'HTML: escaped');
like($r->{content}, qr{<option value="req-late">req-late \(access, due },
    'the forms offer the open cases');
unlike($r->{content}, qr{<option value="req-done">}, 'not the closed one');
my ($token, $csrf) = $dpo->form($r);
ok($token && $csrf, 'a form token and its cookie');

$r = $dpo->get('requests.csv');
like($r->{content}, qr/"'=cmd\|' \/C calc'!A0,<script>alert\(1\)<\/script>\n""x"""/,
    'CSV: the formula neutralised, quoted');

$r = $dpo->post('requests/extend', [token => $token, request_id => 'req-soon',
    months => 2, reason => 'many requests'], Origin => 'http://evil.example');
is($r->{status}, 403, 'a cross-site extension is refused');
$r = $dpo->post('requests/close', [request_id => 'req-soon', outcome => 'x']);
is($r->{status}, 403, 'a close without the token is refused');
is($t->sqlite("SELECT status FROM requests WHERE request_id = 'req-soon'")
    ->[0]{status}, 'open', 'nothing changed');

$r = $dpo->post('requests/extend', [token => $token, request_id => 'req-soon',
    months => 2, reason => 'Många ärenden <just nu>']);
is($r->{status}, 303, 'extend: See Other');
like($r->{headers}{location}, qr{/dpo/requests\.html$}, 'to the report');
my $row = $t->sqlite("SELECT status, due, received, extension_reason"
    . " FROM requests WHERE request_id = 'req-soon'")->[0];
is($row->{status}, 'extended', 'extended');
is($row->{extension_reason}, 'Många ärenden <just nu>', 'with its reason');
my @rt = gmtime $row->{received};
my @dt = gmtime $row->{due};
is(($dt[5] * 12 + $dt[4]) - ($rt[5] * 12 + $rt[4]), 3,
    'due three calendar months after receipt');

# art. 12(3): the person is told, with the reason and the new date
my @msgs;
ok($t->wait_for(sub { @msgs = $mail->messages; @msgs == 1 }),
    'the person is told of the extension');
open my $fh, '<', $msgs[0] or die "$msgs[0]: $!";
my $msg = do { local $/; <$fh> };
close $fh;
like($msg, qr/^To: karin\@example\.se\r$/m, 'to the subject');
like($msg, qr/^Subject: =\?UTF-8\?B\?[A-Za-z0-9+\/=]+\?= \/ Your request/m,
    'an ASCII subject line (RFC 2047)');
my $due = sprintf '%04d-%02d-%02d', $dt[5] + 1900, $dt[4] + 1, $dt[3];
like($msg, qr/Your request for erasure, which we received on \S+, needs/,
    'what was asked, in English');
like($msg, qr/Din begäran om radering/, 'and in Swedish');
like($msg, qr/by \Q$due\E\./, 'the new due date');
like($msg, qr/Många ärenden <just nu>/, 'the reason, as written');
# the outbox row is marked sent once the mail command has exited, after
# it wrote the message (on a loaded machine, some seconds later)
ok($t->wait_for(sub { $t->sqlite("SELECT count(*) AS n FROM outbox WHERE"
    . " purpose = 'request_extension' AND sent IS NOT NULL")->[0]{n} == 1 },
    30), 'sent through the outbox');

$r = $dpo->post('requests/extend', [token => $token, request_id => 'req-late',
    months => 1, reason => 'too late']);
is($r->{status}, 409, 'no extension after the first month');
like($r->{content}, qr/within the first month|inom den första månaden/,
    'saying why');
is($t->sqlite("SELECT status FROM requests WHERE request_id = 'req-late'")
    ->[0]{status}, 'open', 'the late case unchanged');
is(scalar(() = $mail->messages), 1, 'and no message for it');

$r = $dpo->post('requests/extend', [token => $token, request_id => 'req-soon',
    months => 3, reason => 'x']);
is($r->{status}, 400, 'more than two further months: 400');
$r = $dpo->post('requests/extend', [token => $token, request_id => 'req-soon',
    months => 1, reason => '']);
is($r->{status}, 400, 'an extension needs a reason');

$r = $dpo->post('requests/close', [token => $token, request_id => 'req-late',
    outcome => 'Utdrag skickat']);
is($r->{status}, 303, 'close: See Other');
$row = $t->sqlite("SELECT status, closed, outcome FROM requests"
    . " WHERE request_id = 'req-late'")->[0];
is($row->{status}, 'closed', 'closed');
is($row->{outcome}, 'Utdrag skickat', 'with its outcome');
ok(abs($row->{closed} - time) < 60, 'now');

$r = $dpo->post('requests/close', [token => $token, request_id => 'req-late',
    outcome => 'again']);
is($r->{status}, 404, 'a closed case cannot be closed again');
$r = $dpo->post('requests/close', [token => $token, request_id => 'nope',
    outcome => 'x']);
is($r->{status}, 404, 'an unknown case: 404');

is_deeply($t->sqlite("SELECT actor, action, subject_id FROM audit_log"
    . " WHERE actor = 'dpo' ORDER BY id"),
    [{ actor => 'dpo', action => 'request.extend', subject_id => 'a1' x 16 },
     { actor => 'dpo', action => 'request.close', subject_id => 'a1' x 16 }],
    'both are in the audit log');

# --- cookies --------------------------------------------------------------

$t->request('GET', '/', { host => $HOST, headers => {
    Cookie => 'session=1; _hjSession_123456=2; mystery=3' } });
ok($t->wait_for(sub {
    $t->sqlite('SELECT count(*) AS n FROM cookies_seen')->[0]{n} >= 3
}), 'the names were recorded');
$t->sqlite_do('INSERT INTO cookies_seen (name, category, first_seen,'
    . ' last_seen, sightings) VALUES (?, NULL, 1, 2, 1)',
    '=x<script>alert(3)</script>');

$j = $dpo->json('cookies.json');
is($j->{unclassified}, 3, 'three names without a category');
my %c = map { $_->{name} => $_ } @{ $j->{cookies} };
is($c{session}{category}, 'necessary', 'a classified name');
is($c{session}{unclassified}, 0, 'not flagged');
is($c{session}{suggested_pattern}, undef, 'no suggestion');
is($c{mystery}{suggested_pattern}, '^mystery$', 'a pattern for a name');
is($c{'_hjSession_123456'}{suggested_pattern}, '^_hjSession_',
    'a prefix for a generated suffix');
is($c{'=x<script>alert(3)</script>'}{suggested_pattern},
    '^=x<script>alert\(3\)</script>$',
    'metacharacters escaped');
is($j->{cookies}[-1]{name}, 'session', 'the unclassified first');
$r = $dpo->get('cookies.html');
unlike($r->{content}, qr/<script>alert/, 'cookies HTML: no live markup');
$r = $dpo->get('cookies.csv');
like($r->{content}, qr/^\xef\xbb\xbf"name","category","unclassified"/,
    'cookies CSV');
like($r->{content}, qr/\r\n"'=x<script>alert\(3\)<\/script>",,1,/,
    'CSV: the name neutralised');
$ov = $dpo->json('index.json');
%att = map { $_->{item} => $_->{count} } @{ $ov->{attention} };
is($att{unclassified_cookies}, 3, 'overview: unclassified cookies');

# --- audit ----------------------------------------------------------------

$j = $dpo->json('audit.json');
is($j->{chain}{intact}, JSON::PP::true, 'the chain is intact');
is($j->{chain}{entries}, 2, 'every entry checked');
is($j->{entries}[0]{action}, 'request.close', 'newest first');
$j = $dpo->json('audit.json?actor=dpo&action=request.extend');
is(scalar @{ $j->{entries} }, 1, 'filtered by actor and action');
$j = $dpo->json('audit.json?subject=' . ('b2' x 16));
is(scalar @{ $j->{entries} }, 0, 'filtered by subject');
$r = $dpo->get('audit.html?lang=en&action=%3Cscript%3E');
like($r->{content}, qr/role="status">The chain is intact: all 2 entries/,
    'the page says so');
unlike($r->{content}, qr/<script>/, 'the filter is escaped');
like($r->{content}, qr/value="&lt;script&gt;"/, 'and shown');

# someone drops the trigger and edits a row
$t->sqlite_do('DROP TRIGGER audit_log_no_update');
$t->sqlite_do("UPDATE audit_log SET action = 'request.open'"
    . " WHERE action = 'request.extend'");
$j = $dpo->json('audit.json');
is($j->{chain}{intact}, JSON::PP::false, 'the edit breaks the chain');
is($j->{chain}{first_broken}, 1, 'at the edited entry');
$r = $dpo->get('audit.html');
like($r->{content}, qr/role="alert">Kedjan är bruten vid händelse nr 1/,
    'the page raises it');

$t->stop;
unlike($t->error_log, qr/\[error\].*privacy/,
    'no errors of the module logged');

done_testing();
