#!/usr/bin/perl

# The DPO's incidents and processing reports (issue #22,
# docs/dpo-guide.md): registering a personal-data breach from the page's
# form (Origin and token checked), the 72-hour clock to IMY (GDPR art.
# 33) shown first, the notices to the persons affected (art. 34) queued
# in the outbox and delivered by privacy_mail_command, with their state
# on the page; marking a breach reported and closed; the record of
# processing activities (art. 30) from the policy document and the live
# retention; hostile text inert in every format.

use strict;
use warnings;

use FindBin;
use lib "$FindBin::Bin/lib";

use POSIX ();
use Test::More;
use JSON::PP;
use PrivacyTest;
use Dpo;
use ExamplePolicy;
use MailFolder;

my $HOST = 'shop.example';
my $EXAMPLE = $ExamplePolicy::PATH;

# the privacy_retention lines the example policy's guide ships
my $RETENTION = ExamplePolicy::retention();
my @CATEGORIES = $RETENTION =~ /privacy_retention\s+(\w+)/g;

my $t = PrivacyTest->new;
my $mail = MailFolder->new($t);
my $dpo = Dpo->new($t, host => $HOST);
$t->config(<<"EOF");
    privacy_secret_file %%SECRET%%;
    privacy_db %%DB%%;
    privacy_policy $EXAMPLE;
$RETENTION@{[ $mail->command('dpo@shop.example') ]}

    server {
        listen 127.0.0.1:%%PORT%%;
        server_name $HOST;

@{[ $dpo->location ]}    }
EOF
$t->start;

# --- processing (art. 30) -------------------------------------------------

my $j = $dpo->json('processing.json');
is($j->{controller}{name}, 'Optimera Svenska AB', 'the controller');
is($j->{dpo}{email}, 'dataskydd@optimera.se', 'the DPO');
like($j->{supervisory_authority}{name}, qr/IMY/, 'the authority');
ok(@{ $j->{activities} } >= 3, 'one row per purpose');
my ($cr) = grep { $_->{purpose} =~ /^Identifiera dig/ } @{ $j->{activities} };
like($cr->{legal_basis}, qr/artikel 6\.1 b/, 'its legal basis');
like($cr->{retention}, qr/^customer \d+ (m\x{e5}nader|\x{e5}r), supplier \d+ (m\x{e5}nader|\x{e5}r)$/,
    'the retention as configured, in words');
like($cr->{recipients}, qr/IT-system/, 'its recipients by name');
is_deeply([map { $_->{category} } @{ $j->{retention} }], \@CATEGORIES,
    'the live periods');
my $r = $dpo->get('processing.html?lang=en');
like($r->{content}, qr{<h2>Controller</h2>}, 'HTML: the controller');
like($r->{content}, qr{Performance of a contract \(Article 6\(1\)\(b\) GDPR\)},
    'HTML: in English');
like($r->{content}, qr/\@media print/, 'printable');
$r = $dpo->get('processing.csv');
like($r->{content}, qr/^\xef\xbb\xbf"purpose","legal_basis"/,
    'CSV: the activities');

# --- an incident ----------------------------------------------------------

# the register, and two customers through it (one without an address)
is($dpo->get('incidents.json')->{status}, 200,
    'incidents.json on a new register');
$t->sqlite_do('INSERT INTO subjects (subject_id, external_id, email,'
    . ' created, updated) VALUES (?, ?, ?, 0, 0)', 'c1' x 16, 'kund-1',
    'anna@example.se');
$t->sqlite_do('INSERT INTO subjects (subject_id, external_id, created,'
    . ' updated) VALUES (?, ?, 0, 0)', 'c2' x 16, 'kund-2');

$r = $dpo->get('incidents.html?lang=en');
like($r->{content}, qr{<legend>Register a breach</legend>}, 'the form');
like($r->{content}, qr{<label for="i-what">What happened</label>},
    'labelled fields');
my ($token, $csrf) = $dpo->form($r);

my $WHAT = qq{A laptop with <script>alert(1)</script> "exports", =SUM(A1)\nstolen};
my $discovered = time - 10 * 3600;
my @form = (token => $token, what => $WHAT,
    discovered => POSIX::strftime('%Y-%m-%dT%H:%M', gmtime $discovered),
    data_categories => 'names, e-mail addresses',
    data_subjects => 'about 2 customers',
    consequences => 'Phishing mail is possible.',
    measures => "The laptop was encrypted.\nPasswords were changed.",
    notify => "kund-1\nkund-2\nkund-unknown\n");

$r = $dpo->post('incidents', \@form, Origin => 'http://evil.example');
is($r->{status}, 403, 'a cross-site registration is refused');
$r = $dpo->post('incidents', [@form[2 .. $#form]]);
is($r->{status}, 403, 'a registration without the token is refused');
is($t->sqlite('SELECT count(*) AS n FROM incidents')->[0]{n}, 0,
    'nothing registered');
$r = $dpo->post('incidents', [token => $token, what => '', consequences => 'x',
    measures => 'x', data_categories => 'x', data_subjects => 'x']);
is($r->{status}, 400, 'what happened is required');

$r = $dpo->post('incidents', \@form);
is($r->{status}, 303, 'registered: See Other');
like($r->{headers}{location}, qr{/dpo/incidents\.html$}, 'to the report');

my $row = $t->sqlite('SELECT * FROM incidents')->[0];
is($row->{what}, $WHAT, 'what happened, as written');
is(abs($row->{discovered} - int($discovered / 60) * 60) < 60 ? 1 : 0, 1,
    'discovered as given (UTC, to the minute)');
is($row->{subjects}, 'about 2 customers', 'who is affected');

$j = $dpo->json('incidents.json');
my $inc = $j->{incidents}[0];
is($inc->{notices}, 2, 'two known customers linked');
my %state = map { $_->{subject_id} => $_->{state} } @{ $j->{notices} };
is($state{'c2' x 16}, 'no_address', 'one without an address');
ok($t->wait_for(sub { my @m = $mail->messages; scalar @m }, 20),
    'the notice was sent through privacy_mail_command');
my ($msg) = $mail->messages;
my $text = do { local (@ARGV, $/) = $msg; <> };
like($text, qr/^To: anna\@example\.se\r$/m, 'to the customer');
like($text, qr/^From: dpo\@shop\.example\r$/m, 'from the DPO');
like($text, qr/Information om en personuppgiftsincident/, 'in Swedish');
like($text, qr/The laptop was encrypted\.\r\nPasswords were changed\./,
    'the measures, line breaks kept');
ok($t->wait_for(sub {
    my $j = $dpo->json('incidents.json');
    grep { $_->{state} eq 'sent' } @{ $j->{notices} };
}, 20), 'the report shows it delivered');

$r = $dpo->get('incidents.html?lang=en');
like($r->{content}, qr{role="alert"><p class="clock alert box"><span class="big">(61|62) h \d\d min left</span> to report incident},
    'the 72-hour clock, first and prominent');
unlike($r->{content}, qr/<script>alert/, 'HTML: no live markup');
like($r->{content}, qr/&lt;script&gt;alert\(1\)&lt;\/script&gt;/,
    'HTML: escaped');
$r = $dpo->get('incidents.json');
unlike($r->{content}, qr/<script/, 'JSON: no markup');
$r = $dpo->get('incidents.csv');
like($r->{content}, qr/"A laptop with <script>alert\(1\)<\/script> ""exports"", =SUM\(A1\)\nstolen"/,
    'CSV: quoted');
$j = $dpo->json('index.json');
like($j->{incident_hours_left}, qr/^6[12]$/, 'the overview counts the hours');

my $id = $inc->{incident_id};
$r = $dpo->post('incidents/reported', [token => $token, incident_id => $id]);
is($r->{status}, 303, 'marked reported');
ok($t->sqlite('SELECT reported FROM incidents')->[0]{reported},
    'with the time');
$r = $dpo->get('incidents.html');
unlike($r->{content}, qr/class="clock/, 'the clock stops');
$r = $dpo->post('incidents/close', [token => $token, incident_id => $id]);
is($r->{status}, 303, 'closed');
$r = $dpo->post('incidents/close', [token => $token, incident_id => $id]);
is($r->{status}, 404, 'not twice');

is_deeply([map { $_->{action} } @{ $t->sqlite("SELECT action FROM audit_log"
    . " WHERE actor = 'dpo' ORDER BY id") }],
    [qw(incident.register incident.notice incident.notice incident.reported
        incident.close)], 'every step audited');

$t->stop;
unlike($t->error_log, qr/\[error\].*privacy/,
    'no errors of the module logged');

done_testing();
