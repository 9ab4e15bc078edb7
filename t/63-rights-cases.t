#!/usr/bin/perl

# The rights portal shows a subject their cases and the incidents that
# affected them (docs/rights.md, "For the DPO", "The rights"): a case the
# DPO extended with a reason shows its new due date and the reason, as a
# date on the HTML export; a refused erasure (legal hold) is a closed
# case; SQL metacharacters and markup in every field of every form are
# inert; over TLS both portal cookies are Secure.

use strict;
use warnings;

use FindBin;
use lib "$FindBin::Bin/lib";

use Encode qw(decode_utf8);
use POSIX qw(strftime);
use Test::More;
use JSON::PP;
use PrivacyTest;
use Dpo;
use MailFolder;
use RegisterApi;

my $P = '/privacy';
my $DAY = 86400;

my $t = PrivacyTest->new;
my $mail = MailFolder->new($t);
my $api = RegisterApi->new($t, token_file => undef);
my $dpo = Dpo->new($t);

my $have_tls = grep({ -x "$_/openssl" } split /:/, $ENV{PATH} // '')
    && eval { require IO::Socket::SSL; 1 };
my $tls_conf = '';
if ($have_tls) {
    my $dir = $t->dir;
    $have_tls = system("openssl req -x509 -newkey rsa:2048 -nodes -keyout"
                       . " $dir/key.pem -out $dir/cert.pem -days 2"
                       . " -subj /CN=localhost 2>/dev/null") == 0;
    $tls_conf = <<"EOF" if $have_tls;
    server {
        listen 127.0.0.1:%%PORT_2%% ssl;
        ssl_certificate %%DIR%%/cert.pem;
        ssl_certificate_key %%DIR%%/key.pem;

        location $P/ {
            privacy_portal;
        }
    }
EOF
}

$t->config(<<"EOF");
    privacy_secret_file %%SECRET%%;
    privacy_db %%DB%%;
@{[ $mail->command('privacy@shop.example') ]}

    server {
        listen 127.0.0.1:%%PORT%%;

        location $P/ {
            privacy_portal;
        }

@{[ $api->location ]}
@{[ $dpo->location ]}    }
$tls_conf
EOF
$t->start;

my ($st) = $api->call('POST', 'subjects', { external_id => 'k-1',
    kind => 'customer', name => 'Karin Karlsson',
    email => 'karin@example.se', phone => '+46 70 000 00 00' });
is($st, 201, 'a customer in the register');

# a case still open (received by post, say), and a breach that hit her
my $now = time;
$t->sqlite_do('INSERT INTO requests (request_id, subject, type, status,'
    . ' received, due) VALUES (?, (SELECT id FROM subjects WHERE'
    . " external_id = 'k-1'), 'access', 'open', ?, ?)", 'req-open',
    $now - 3 * $DAY, $now + 27 * $DAY);
my $WHAT = q{A laptop <b>lost</b>; "x' OR '1'='1};
$t->sqlite_do('INSERT INTO incidents (incident_id, what, occurred,'
    . ' discovered, categories, consequences, measures) VALUES (?, ?, ?, ?,'
    . ' ?, ?, ?)', 'inc-1', $WHAT, $now - 10 * $DAY, $now - 9 * $DAY,
    'name, e-mail', 'phishing mail', 'Change your password');
$t->sqlite_do('INSERT INTO incident_subjects (incident, subject) VALUES'
    . " ((SELECT id FROM incidents), (SELECT id FROM subjects WHERE"
    . " external_id = 'k-1'))");

# --- the DPO extends the case by two months, with a reason ---------------

my ($dtok) = $dpo->form($dpo->get('requests.html?lang=en'));
my $REASON = q{Många <i>ärenden</i> & 'köer'};
my $r = $dpo->post('requests/extend', [ token => $dtok,
    request_id => 'req-open', months => 2, reason => $REASON ]);
is($r->{status}, 303, 'the DPO extends the case');
my $case = $t->sqlite("SELECT status, due, extension_reason FROM requests"
                      . " WHERE request_id = 'req-open'")->[0];
is($case->{status}, 'extended', '... recorded as extended');
ok(@{ $t->sqlite("SELECT 1 FROM audit_log WHERE action = 'request.extend'") },
   '... and audited');

# --- a browser of the portal ---------------------------------------------

sub browser { return { jar => {}, base => '' } }

sub keep {
    my ($b, $res) = @_;
    for my $c (set_cookies($res)) {
        my ($n, $v) = $c =~ /^([^=]+)=([^;]*)/ or next;
        $b->{set}{$n} = $c;
        if ($c =~ /Max-Age=0\b/) { delete $b->{jar}{$n} } else {
            $b->{jar}{$n} = $v }
    }
    return $res;
}

sub hdrs {
    my ($b, %h) = @_;
    my $c = join '; ', map { "$_=$b->{jar}{$_}" } sort keys %{ $b->{jar} };
    return { ($c ? (Cookie => $c) : ()), 'Accept-Language' => 'en', %h };
}

sub get { my ($b, $p) = @_; keep($b, $t->get("$b->{base}$P/$p", hdrs($b))) }

sub post {
    my ($b, $p, $f) = @_;
    return keep($b, $t->post("$b->{base}$P/$p", [ @$f, token => $b->{tok} ],
                             hdrs($b)));
}

my %seen;
sub new_code {
    my $code;
    $t->wait_for(sub {
        for my $f ($mail->messages) {
            next if $seen{$f}++;
            open my $fh, '<', $f or die $!;
            my $m = do { local $/; <$fh> };
            ($code) = $m =~ /^\s+(\d{8})\r?$/m;
            return 1 if $code;
        }
        return 0;
    }, 20);
    return $code;
}

sub sign_in {
    my ($b) = @_;
    ($b->{tok}) = get($b, 'rights')->{content}
        =~ /name="token" value="([^"]+)"/;
    post($b, 'rights', [ email => 'karin@example.se' ]);
    my $code = new_code();
    return post($b, 'rights/verify', [ email => 'karin@example.se',
                                       code => $code // '' ]);
}

my $a = browser();
is(sign_in($a)->{status}, 303, 'Karin signs in with the mailed code');
ok($t->wait_for(sub { $t->sqlite("SELECT sent FROM outbox WHERE purpose ="
                                 . " 'code'")->[0]{sent} }, 20),
   'the code\'s message sent');
is($t->sqlite("SELECT length(message) n FROM outbox WHERE purpose = 'code'")
   ->[0]{n}, 0, '... and emptied: the register keeps no code in clear');

# --- her cases and incidents ----------------------------------------------

my $x = eval { decode_json(get($a, 'rights/export.json')->{content}) } || {};
my ($c) = grep { $_->{request_id} eq 'req-open' } @{ $x->{requests} || [] };
is($c->{status}, 'extended', 'the export shows the case extended');
is($c->{due}, $case->{due}, '... with its new due date');
is($c->{extension_reason}, decode_utf8($REASON), '... and the reason');
my ($i) = @{ $x->{incidents} || [] };
is($i->{what}, $WHAT, 'the incident that affected her: what happened');
is($i->{occurred}, $now - 10 * $DAY, '... when');
is($i->{measures}, 'Change your password', '... what to do');
is($i->{consequences}, 'phishing mail', '... what it may mean');

my $html = get($a, 'rights/export')->{content};
my $due = strftime('%Y-%m-%dT%H:%M:%SZ', gmtime $case->{due});
like($html, qr/\Q$due\E/, 'the page shows the new due date as a date');
like($html, qr/Många &lt;i&gt;ärenden&lt;\/i&gt; &amp; (?:'|&#39;|&#x27;)köer/,
     '... and the reason, escaped');
like($html, qr/A laptop &lt;b&gt;lost&lt;\/b&gt;/, 'the incident, escaped');
like($html, qr/\Q@{[ strftime('%Y-%m-%d', gmtime($now - 9 * $DAY)) ]}\E/,
     '... with the date it was discovered');
unlike($html, qr/<i>|<b>/, 'no markup from the register on the page');

# --- over TLS, both cookies are Secure -------------------------------------

SKIP: {
    skip 'openssl or IO::Socket::SSL not available', 3 unless $have_tls;
    my $s = browser();
    $s->{base} = 'https://127.0.0.1:' . $t->port(2);
    my $res = sign_in($s);
    is($res->{status}, 303, 'TLS: signed in');
    like($s->{set}{privacy_rights_csrf} // '', qr/; Secure(?:;|$)/,
         'TLS: the CSRF cookie is Secure');
    like($s->{set}{privacy_rights} // '', qr/; Secure(?:;|$)/,
         'TLS: the session cookie is Secure');
}

# --- SQL metacharacters and markup in every field --------------------------

my $SQL = q{'); DELETE FROM subjects; --};
my $TAG = q{<script>alert(1)</script>};
for my $f ([ 'rights', email => "$TAG$SQL\@example.se" ],
           [ 'rights/verify', email => "$SQL$TAG", code => "1' OR '1'='1" ],
           [ 'rights/verify', email => 'karin@example.se',
             code => "$TAG$SQL" ],
           [ 'rights/restrict', restricted => "1$SQL$TAG" ],
           [ 'rights/object', objection => "analytics$SQL$TAG" ],
           [ 'rights/rectify', email => "$TAG\@example.se" ])
{
    my ($p, @fields) = @$f;
    my $res = post($a, $p, \@fields);
    ok($res->{status} =~ /^(200|303|400|403|429)$/
       && $res->{content} !~ /<script>alert/,
       "POST $p with $fields[0]: $res->{status}, nothing live on the page");
}
is($t->sqlite('SELECT count(*) n FROM subjects')->[0]{n}, 1,
   'the register is intact');

# a value that is neither 0 nor 1 neither restricts nor lifts
post($a, 'rights/restrict', [ restricted => 1 ]);
is(post($a, 'rights/restrict', [ restricted => "0$SQL" ])->{status}, 400,
   'restrict: a foreign value refused');
is($t->sqlite("SELECT restricted FROM subjects")->[0]{restricted}, 1,
   '... and the restriction stays');
post($a, 'rights/restrict', [ restricted => 0 ]);

my $PHONE = "+46 $SQL$TAG";
my $NAME = "O'Hara \"$TAG\" & Co";
my $ADDR = "Gatan 1\\\x{27}; DROP TABLE orders; /* */";
$r = post($a, 'rights/rectify', [ name => $NAME, address => $ADDR,
    phone => $PHONE, email => "o'hara\@example.se" ]);
is($r->{status}, 303, 'rectify: every field with SQL and markup saved');
$x = eval { decode_json(get($a, 'rights/export.json')->{content}) } || {};
is_deeply([ @{ $x->{subject} || {} }{qw(name address phone email)} ],
          [ $NAME, $ADDR, $PHONE, "o'hara\@example.se" ],
          '... each stored exactly as sent');
$html = get($a, 'rights/export')->{content};
unlike($html, qr/<script>/, '... and inert on the page');
is(scalar @{ $t->sqlite("SELECT 1 FROM orders") }, 0,
   '... the orders table still there');

# --- Swedish, as the visitor's browser asks -------------------------------

my $sv = $t->get("$P/rights", { 'Accept-Language' => 'sv-SE,sv;q=0.9' });
like($sv->{content}, qr/<html lang="sv"/, 'the form in Swedish');
like($sv->{content}, qr/E-postadress/, '... its labels too');
like($t->get("$P/rights?lang=en", { 'Accept-Language' => 'sv' })->{content},
     qr/E-mail address/, '... and in English when asked for (?lang=en)');

# --- a refused erasure is a case too --------------------------------------

my $until = strftime('%Y-%m-%d', gmtime($now + 400 * $DAY));
($st) = $api->call('POST', 'subjects/k-1/hold', { reason => 'Tvist',
                                           until => $until });
is($st, 201, 'a legal hold');
$r = post($a, 'rights/erase', []);
like($r->{content}, qr/Erasure not possible yet/, 'erasure refused');
like($r->{content}, qr/\Q$until\E/, '... until the hold ends');
my $refused = $t->sqlite("SELECT status, outcome, closed FROM requests"
                         . " WHERE type = 'erasure'");
is(scalar @$refused, 1, '... recorded as a case');
is($refused->[0]{status}, 'closed', '... closed');
is($refused->[0]{outcome}, "refused: legal hold until $until",
   '... with its outcome');
is($t->sqlite('SELECT count(*) n FROM subjects')->[0]{n}, 1,
   '... and nothing erased');

done_testing();
