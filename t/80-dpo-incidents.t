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

use MIME::Base64 qw(encode_base64);
use POSIX ();
use Test::More;
use JSON::PP;
use PrivacyTest;

my $HOST = 'shop.example';
my $AUTH = 'Basic ' . encode_base64('dpo:s3cret', '');
my $EXAMPLE = "$PrivacyTest::REPO/docs/examples/policy.json";

# the privacy_retention lines the example policy's guide ships
my $RETENTION = do {
    open my $fh, '<:encoding(UTF-8)', "$PrivacyTest::REPO/docs/policy-document.md"
        or die $!;
    local $/;
    my $doc = <$fh>;
    join '', map { "    $_\n" }
        $doc =~ /^\s*(privacy_retention\s+\w+\s+\S+;)\s*$/mg;
};
my @CATEGORIES = $RETENTION =~ /privacy_retention\s+(\w+)/g;

my $t = PrivacyTest->new;
my $mail = $t->make_dir('mail', worker_owned => 1);
$t->write_file('mail.sh', <<"EOS");
#!/bin/sh
f=\$(mktemp $mail/msg-XXXXXXXX)
cat >"\$f" && mv "\$f" "\$f.eml"
EOS
chmod 0755, $t->dir . '/mail.sh';
$t->write_file('htpasswd', "dpo:{PLAIN}s3cret\n");
$t->config(<<"EOF");
    privacy_secret_file %%SECRET%%;
    privacy_db %%DB%%;
    privacy_policy $EXAMPLE;
$RETENTION    privacy_mail_command "%%DIR%%/mail.sh" from=dpo\@shop.example;

    server {
        listen 127.0.0.1:%%PORT%%;
        server_name $HOST;

        location /dpo/ {
            auth_basic "DPO";
            auth_basic_user_file %%DIR%%/htpasswd;
            privacy_dpo;
        }
    }
EOF
$t->start;

sub get {
    my ($path) = @_;
    return $t->request('GET', "/dpo/$path", { host => $HOST,
        headers => { Authorization => $AUTH } });
}

sub json_of { decode_json(get($_[0])->{content}) }

# --- processing (art. 30) -------------------------------------------------

my $j = json_of('processing.json');
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
my $r = get('processing.html?lang=en');
like($r->{content}, qr{<h2>Controller</h2>}, 'HTML: the controller');
like($r->{content}, qr{Performance of a contract \(Article 6\(1\)\(b\) GDPR\)},
    'HTML: in English');
like($r->{content}, qr/\@media print/, 'printable');
$r = get('processing.csv');
like($r->{content}, qr/^\xef\xbb\xbf"purpose","legal_basis"/,
    'CSV: the activities');

# --- an incident ----------------------------------------------------------

# the register, and two customers through it (one without an address)
is(get('incidents.json')->{status}, 200, 'incidents.json on a new register');
$t->sqlite_do('INSERT INTO subjects (subject_id, external_id, email,'
    . ' created, updated) VALUES (?, ?, ?, 0, 0)', 'c1' x 16, 'kund-1',
    'anna@example.se');
$t->sqlite_do('INSERT INTO subjects (subject_id, external_id, created,'
    . ' updated) VALUES (?, ?, 0, 0)', 'c2' x 16, 'kund-2');

$r = get('incidents.html?lang=en');
like($r->{content}, qr{<legend>Register a breach</legend>}, 'the form');
like($r->{content}, qr{<label for="i-what">What happened</label>},
    'labelled fields');
my ($token) = $r->{content} =~ /name="token" value="([^"]+)"/;
my ($csrf) = map { /^(privacy_dpo_csrf=[^;]+)/ ? $1 : () } set_cookies($r);

sub post {
    my ($path, $body, %h) = @_;
    return $t->request('POST', "/dpo/$path", { host => $HOST,
        headers => { Authorization => $AUTH, Cookie => $csrf,
            'Content-Type' => 'application/x-www-form-urlencoded',
            Origin => "http://$HOST", %h },
        content => PrivacyTest::form_urlencode($body) });
}

my $WHAT = qq{A laptop with <script>alert(1)</script> "exports", =SUM(A1)\nstolen};
my $discovered = time - 10 * 3600;
my @form = (token => $token, what => $WHAT,
    discovered => POSIX::strftime('%Y-%m-%dT%H:%M', gmtime $discovered),
    data_categories => 'names, e-mail addresses',
    data_subjects => 'about 2 customers',
    consequences => 'Phishing mail is possible.',
    measures => "The laptop was encrypted.\nPasswords were changed.",
    notify => "kund-1\nkund-2\nkund-unknown\n");

$r = post('incidents', \@form, Origin => 'http://evil.example');
is($r->{status}, 403, 'a cross-site registration is refused');
$r = post('incidents', [@form[2 .. $#form]]);
is($r->{status}, 403, 'a registration without the token is refused');
is($t->sqlite('SELECT count(*) AS n FROM incidents')->[0]{n}, 0,
    'nothing registered');
$r = post('incidents', [token => $token, what => '', consequences => 'x',
    measures => 'x', data_categories => 'x', data_subjects => 'x']);
is($r->{status}, 400, 'what happened is required');

$r = post('incidents', \@form);
is($r->{status}, 303, 'registered: See Other');
like($r->{headers}{location}, qr{/dpo/incidents\.html$}, 'to the report');

my $row = $t->sqlite('SELECT * FROM incidents')->[0];
is($row->{what}, $WHAT, 'what happened, as written');
is(abs($row->{discovered} - int($discovered / 60) * 60) < 60 ? 1 : 0, 1,
    'discovered as given (UTC, to the minute)');
is($row->{subjects}, 'about 2 customers', 'who is affected');

$j = json_of('incidents.json');
my $inc = $j->{incidents}[0];
is($inc->{notices}, 2, 'two known customers linked');
my %state = map { $_->{subject_id} => $_->{state} } @{ $j->{notices} };
is($state{'c2' x 16}, 'no_address', 'one without an address');
ok($t->wait_for(sub { my @m = glob("$mail/*.eml"); scalar @m }, 20),
    'the notice was sent through privacy_mail_command');
my ($msg) = glob("$mail/*.eml");
my $text = do { local (@ARGV, $/) = $msg; <> };
like($text, qr/^To: anna\@example\.se\r$/m, 'to the customer');
like($text, qr/^From: dpo\@shop\.example\r$/m, 'from the DPO');
like($text, qr/Information om en personuppgiftsincident/, 'in Swedish');
like($text, qr/The laptop was encrypted\.\r\nPasswords were changed\./,
    'the measures, line breaks kept');
ok($t->wait_for(sub {
    my $j = json_of('incidents.json');
    grep { $_->{state} eq 'sent' } @{ $j->{notices} };
}, 20), 'the report shows it delivered');

$r = get('incidents.html?lang=en');
like($r->{content}, qr{role="alert"><p class="clock alert box"><span class="big">(61|62) h \d\d min left</span> to report incident},
    'the 72-hour clock, first and prominent');
unlike($r->{content}, qr/<script>alert/, 'HTML: no live markup');
like($r->{content}, qr/&lt;script&gt;alert\(1\)&lt;\/script&gt;/,
    'HTML: escaped');
$r = get('incidents.json');
unlike($r->{content}, qr/<script/, 'JSON: no markup');
$r = get('incidents.csv');
like($r->{content}, qr/"A laptop with <script>alert\(1\)<\/script> ""exports"", =SUM\(A1\)\nstolen"/,
    'CSV: quoted');
$j = json_of('index.json');
like($j->{incident_hours_left}, qr/^6[12]$/, 'the overview counts the hours');

my $id = $inc->{incident_id};
$r = post('incidents/reported', [token => $token, incident_id => $id]);
is($r->{status}, 303, 'marked reported');
ok($t->sqlite('SELECT reported FROM incidents')->[0]{reported},
    'with the time');
$r = get('incidents.html');
unlike($r->{content}, qr/class="clock/, 'the clock stops');
$r = post('incidents/close', [token => $token, incident_id => $id]);
is($r->{status}, 303, 'closed');
$r = post('incidents/close', [token => $token, incident_id => $id]);
is($r->{status}, 404, 'not twice');

is_deeply([map { $_->{action} } @{ $t->sqlite("SELECT action FROM audit_log"
    . " WHERE actor = 'dpo' ORDER BY id") }],
    [qw(incident.register incident.notice incident.notice incident.reported
        incident.close)], 'every step audited');

$t->stop;
unlike($t->error_log, qr/\[error\].*privacy/,
    'no errors of the module logged');

done_testing();
