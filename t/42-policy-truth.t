#!/usr/bin/perl

# What the policy says is what the server does (issue 20): the demo's own
# configuration (demo/nginx.conf.in) runs here, and every statement the
# served policy, cookie page, banner and consent page make about it is
# checked against that configuration, the responses and the bytes on
# disk (the access log).

use strict;
use utf8;
use warnings;

use FindBin;
use lib "$FindBin::Bin/lib";

use Encode qw(decode_utf8);
use JSON::PP;
use Time::Local qw(timegm);
use Test::More;
use PrivacyTest;

sub slurp {
    my ($f) = @_;
    open my $fh, '<:raw', $f or die "$f: $!";
    local $/;
    return scalar <$fh>;
}

# access_log => 1: the harness's log goes to a file of its own (with "off"
# at the same level, the demo's would be off too)
my $t = PrivacyTest->new(workers => 1, access_log => 1);

# the workers read the demo's pages and files: a copy in the test's own
# directory, which they can reach even when the checkout is under a home
# they cannot (mode 700, as /root on a fresh Debian)
my $DEMO = $t->dir . '/demo';
system('cp', '-R', '--', "$PrivacyTest::REPO/demo", $DEMO) == 0
    or die "cp demo";
system('chmod', '-R', 'a+rX', $DEMO) == 0 or die "chmod demo";
my $run = $t->make_dir('run', worker_owned => 1);
$t->make_dir("run/$_", worker_owned => 1) for qw(logs data mail tmp);
$t->write_file('run/register-api.token', "0123456789abcdef0123456789abcdef\n");
$t->write_file('run/dpo.htpasswd', "dpo:x\n");
system('cp', '--', "$DEMO/mail.sh", "$run/mail.sh") == 0 or die "cp mail.sh";
chmod 0755, "$run/mail.sh";
system('cp', '--', $t->secret_file, "$run/secret") == 0 or die "cp secret";

# the http block of demo/nginx.conf.in, as demo/run.sh fills it in; the
# harness writes its own temp paths and access_log (off)
my $TEMPLATE = slurp("$DEMO/nginx.conf.in");
my ($HTTP) = $TEMPLATE =~ /^http \{\n(.*)^\}/ms or die 'no http block';

sub demo_config {
    my (%edit) = @_;
    my $c = $HTTP;
    $c =~ s/^\s*(?:\w+_temp_path|default_type) .*\n//mg;
    $c =~ s/\@RUN\@/$run/g;
    $c =~ s/\@DEMO\@/$DEMO/g;
    $c =~ s/\@SHOP\@/$DEMO\/shop/g;
    $c =~ s/\@PORT\@/%%PORT%%/g;
    $c =~ s/\@BACKEND_PORT\@/%%BACKEND_PORT%%/g;
    for my $re (keys %edit) {
        $c =~ s/$re/$edit{$re}/m or die "demo_config: no match for $re";
    }
    $t->config($c);
}

# an HTTP date (what the module writes), as seconds
sub http_date {
    my ($s) = @_;
    my %mon; @mon{qw(Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec)} = 0 .. 11;
    my ($d, $m, $y, $H, $M, $S) =
        $s =~ /^\w{3}, (\d\d) (\w{3}) (\d{4}) (\d\d):(\d\d):(\d\d) GMT$/
        or return undef;
    return timegm($S, $M, $H, $d, $mon{$m}, $y);
}

# the texts a visitor reads, as plain text
sub text_of {
    my ($html) = @_;
    my $s = decode_utf8($html);
    $s =~ s/<script.*?<\/script>//gs;
    $s =~ s/<style.*?<\/style>//gs;
    $s =~ s/<[^>]*>//g;
    $s =~ s/&aring;/å/g;
    $s =~ s/&auml;/ä/g;
    $s =~ s/&ouml;/ö/g;
    $s =~ s/&amp;/&/g;
    $s =~ s/&#(\d+);/chr $1/ge;
    $s =~ s/\s+/ /g;
    return $s;
}

# the four texts, in both languages, of a visitor who has not decided
sub texts {
    my %t;
    for my $lang (qw(sv en)) {
        my %h = ('Accept-Language' => $lang);
        $t{"policy $lang"} = text_of($t->get('/privacy/policy', \%h)->{content});
        $t{"cookies $lang"} = text_of($t->get('/privacy/cookies', \%h)->{content});
        $t{"consent $lang"} = text_of($t->get('/privacy/consent', \%h)->{content});
        my $page = $t->get('/index.html', \%h)->{content};
        my ($banner) = $page =~ m{(<section id="ngxp".*?</section>)}s;
        $t{"banner $lang"} = text_of($banner // '');
    }
    return %t;
}

# What each text must say about cookies no pattern names, by mode.  The
# promise that needs the mode ("only if you allow them") must be followed
# by what happens to the others.
my %SAYS = (
    strip => {
        sv => qr/(?:utan kategori|inte hör till någon kategori) tas bort/,
        en => qr/(?:without a category|belong to no category) are removed/,
    },
    keep => {
        sv => qr/(?:ännu inte (?:hör till|har) någon kategori|utan kategori)/,
        en => qr/(?:do not yet (?:belong to|have) a category|without a category)/,
    },
);
my %PASS = (
    sv => qr/stoppas (?:dock )?inte|cookies utan kategori används/,
    en => qr/are not blocked|cookies without a category are used/,
);

sub check_unclassified {
    my ($mode) = @_;
    my %t = texts();
    for my $k (sort keys %t) {
        my ($what, $lang) = split / /, $k;
        like($t{$k}, $SAYS{$mode}{$lang}, "$mode: $k says what happens to "
            . 'unclassified cookies');
        if ($mode eq 'keep') {
            like($t{$k}, $PASS{$lang}, "keep: $k says they pass");
        } else {
            unlike($t{$k}, $PASS{$lang}, "strip: $k does not say they pass");
        }
    }
}

# --- the demo as shipped: strip ------------------------------------------

like($HTTP, qr/^\s*privacy_unclassified strip;/m,
    'the demo strips unclassified cookies');

demo_config();
$t->start;

check_unclassified('strip');

my $r = $t->get('/product.html');
my @names = map { /^([^=]+)=/ ? $1 : () } set_cookies($r);
ok(!grep({ $_ eq 'recently_viewed' } @names),
    'strip: the backend\'s recently_viewed does not reach the browser')
    or diag("@names");
like($t->get('/debug/cookies', { Cookie => 'session=1; foo=2; recently_viewed=x' })
    ->{content}, qr/^Cookie: session=1\n/m,
    'strip: unclassified cookies do not reach the backend');

# --- the cookies the site has met (cookies_seen), as the page lists them ---

# each worker reads the register's list in the thread pool, at most every
# 10 seconds, when the page is asked for: ask until it has the new names
my $seen = '';
ok($t->wait_for(sub {
    $seen = text_of($t->get('/privacy/cookies?lang=sv')->{content});
    $seen =~ /recently_viewed: utan kategori \(tas bort\)/
        && $seen =~ /\bfoo: utan kategori \(tas bort\)/
}, 30), 'cookie page: the unclassified cookies met, listed as removed')
    or diag($seen);
like($seen, qr/Cookies som webbplatsen har mött/, 'cookie page: the section');
like($seen, qr/\b_ga: Statistik\b/, 'cookie page: _ga met, as statistics');
like($seen, qr/\bsession: Nödvändiga\b/, 'cookie page: session met, as necessary');

# --- one controller: the policy document, the shop's pages, the DPO ------

my $doc = JSON::PP->new->utf8->decode(slurp("$DEMO/policy.json"));
like($HTTP, qr{^\s*privacy_policy \@DEMO\@/policy\.json;}m,
    'the demo serves demo/policy.json');
my $controller = $doc->{controller}{name}{sv};
my $orgnr = $doc->{controller}{organisation_number};
my $dpo = $doc->{dpo}{email};
my %policy = map { $_ => text_of($t->get("/privacy/policy?lang=$_")->{content}) }
    qw(sv en);
my $about = text_of($t->get('/about.html')->{content});
like($policy{sv}, qr/\Q$controller (organisationsnummer $orgnr)\E är personuppgiftsansvarig/,
    "policy: the controller is $controller, $orgnr");
like($about, qr/\Q$controller\E/, 'about.html: the same controller');
like($about, qr/\Q$orgnr\E/, 'about.html: the same organisation number');
like($about, qr/\Q$dpo\E/, 'about.html: the same DPO address');
like($policy{sv}, qr/\Q$dpo\E/, 'policy: the DPO address about.html gives');
unlike($policy{$_}, qr/Optimera|Saint-Gobain|Securitas|556193-8134/,
    "policy $_: no other company's name or number") for qw(sv en);

# --- transfers: Google and Meta, where the cookies go -----------------------

for my $who (['google', qr/^_ga|^_gid/], ['meta', qr/^_fbp/]) {
    my ($id, $cookie) = @$who;
    my ($rec) = grep { $_->{id} eq $id } @{ $doc->{recipients} };
    ok($rec, "the document names the recipient $id");
    my ($tr) = grep { grep { $_ eq $id } @{ $_->{recipients} } }
        @{ $doc->{transfers} || [] };
    ok($tr && $tr->{safeguard}, "a transfer with a safeguard for $id");
    like($policy{sv}, qr/\Q$tr->{countries}{sv}\E/,
        "policy: the transfer to $id is shown") if $tr;
}

# --- incidents: the seed's promise, not only the legal minimum -------------

like($policy{sv}, qr/varje incident där dina personuppgifter har hamnat i fel händer/,
    'policy sv: every incident is told, as the seed promises');
like($policy{en}, qr/every incident in which your personal data has fallen into the wrong hands/,
    'policy en: every incident is told');

# --- durations: calendar months and years; bookkeeping by the law ---------

like($policy{sv}, qr/Månader och år räknas som kalendermånader och kalenderår, inte som 30 eller 365 dagar/,
    'policy sv: calendar months and years');
like($policy{en}, qr/Months and years are calendar months and calendar years, not 30 or 365 days/,
    'policy en: calendar months and years');
for my $line ($HTTP =~ /^\s*privacy_retention\s+(\w+\s+\S+);/mg) {
    my ($cat, $period) = split ' ', $line;
    next if $cat eq 'bookkeeping';
    my %words = (M => 'månader', d => 'dagar', y => 'år');
    my ($n, $u) = $period =~ /^(\d+)([Mdy])$/ or next;
    like($policy{sv}, qr/\b$n $words{$u}\b/, "policy: $cat $period in words");
}

sub bookkeeping_until {
    my ($mm, $dd, $years) = @_;
    my @now = gmtime;
    my ($y, $md) = ($now[5] + 1900, sprintf('%02d-%02d', $now[4] + 1, $now[3]));
    $y++ if $md gt sprintf('%02d-%02d', $mm, $dd);   # this fiscal year's end
    return ($y, $y + $years);
}
my @SV_MONTHS = qw(januari februari mars april maj juni juli augusti
    september oktober november december);
my ($years) = $HTTP =~ /^\s*privacy_retention\s+bookkeeping\s+(\d+)y;/m;
is($years, 7, 'the demo keeps bookkeeping records 7 years');
my ($fy, $until) = bookkeeping_until(12, 31, $years);
like($policy{sv}, qr/Bokföringsunderlag: till och med utgången av det sjunde året efter det kalenderår då räkenskapsåret avslutades \(bokföringslagen 7 kap\. 2 §\)/,
    'policy sv: the bookkeeping sentence of Bokföringslagen 7 kap. 2 §');
like($policy{en}, qr/Bookkeeping records: until the end of the seventh year after the calendar year in which the financial year ended/,
    'policy en: the bookkeeping sentence');
like($policy{sv}, qr/räkenskapsåret som slutar den 31 december $fy sparas till och med den 31 december $until\b/,
    "policy sv: the current fiscal year's records, kept until 31 December $until");

# --- "without cookies": what the policy says depends on the choice --------

my $consent = $t->post('/privacy/consent', [ action => 'accept_all', return => '/' ]);
my ($accepted) = map { /^(privacy_consent=[^;]+)/ ? $1 : () } set_cookies($consent);
ok($accepted, 'a visitor accepts all');
my $undecided_sv = $policy{sv};
my $accepted_sv = text_of($t->get('/privacy/policy?lang=sv', { Cookie => $accepted })->{content});
like($undecided_sv, qr/Just nu har du inte tillåtit statistik\./,
    'undecided: the policy says statistics are not allowed now');
like($undecided_sv, qr/räknas dina sidvisningar och sökningar utan cookies/,
    'the policy says when visits are counted without cookies');
like($accepted_sv, qr/Just nu har du tillåtit statistik\./,
    'accepted: the policy says statistics are allowed now');
like($accepted_sv, qr/sparas de i stället med id:t i din samtyckescookie/,
    'the policy says visits are then stored with the consent id');
# the consent page says the same, for the choice of now
my %consent_page = map { $_->[0] => text_of($t->get('/privacy/consent?lang=sv',
    $_->[1] ? { Cookie => $_->[1] } : {})->{content}) }
    ([undecided => undef], [accepted => $accepted]);
like($consent_page{undecided}, qr/räknas dina sidvisningar och sökningar utan cookies/,
    'consent page: when visits are counted without cookies');
like($consent_page{undecided}, qr/Just nu har du inte tillåtit statistik\./,
    'consent page, undecided: statistics not allowed now');
like($consent_page{accepted}, qr/sparas de i stället med id:t i din samtyckescookie.*Just nu har du tillåtit statistik\./,
    'consent page, accepted: with the consent id, and that this applies now');
unlike($consent_page{$_}, qr/Besöksstatistik utan cookies|besökare räknas med ett värde som byts/,
    "consent page, $_: no promise of statistics without cookies for all")
    for qw(undecided accepted);

# an objection (GDPR art. 21): not counted at all, and the pages say so
my $objection = $t->post('/privacy/consent', [ action => 'object_analytics' ],
                         { Cookie => $accepted });
my ($objected) = map { /^(privacy_consent=[^;]+)/ ? $1 : () } set_cookies($objection);
ok($objected, 'the visitor objects to visit statistics');
for my $page (qw(policy consent)) {
    like(text_of($t->get("/privacy/$page?lang=sv", { Cookie => $objected })->{content}),
        qr/Just nu räknas den här webbläsaren inte alls: du har invänt/,
        "$page page, objected: this browser is not counted");
}

# the demo's own pages promise no more than that
for my $html (glob "$DEMO/shop/*.html") {
    my $text = text_of(slurp($html));
    next unless $text =~ /utan cookies/;
    like($text, qr/utan cookies om du inte har tillåtit statistik/,
        "demo/shop/" . ($html =~ s{.*/}{}r) . ': "without cookies" only without consent');
}
my ($improve) = grep { $_->{id} eq 'improvement' } @{ $doc->{purposes} };
unlike($improve->{description}{sv}, qr/förs utan cookies/,
    'the document does not claim statistics without cookies for everyone');
# --- lifetimes: a passing cookie never lives longer than declared ---------

# the declared lifetimes, from the running configuration
my %declared;       # cookie name => [months, seconds, as written]
my ($stats_cap) = $HTTP =~ /^\s*privacy_cookie_max_age\s+statistics\s+(\S+);/m;
is($stats_cap, '13M', 'the demo declares 13 months for statistics cookies');
while ($HTTP =~ /^\s*privacy_cookie\s+(\w+)\s+'\^\(?(\w+)[^']*'(?:\s+max_age=(\S+))?;/mg) {
    my ($cat, $name, $age) = ($1, $2, $3);
    $age //= $stats_cap if $cat eq 'statistics';
    next unless defined $age;
    my ($n, $u) = $age =~ /^(\d+)([MydhS]?)$/ or die "age $age";
    $declared{$name} = $u eq 'M' ? [$n, 0, $age] : $u eq 'y' ? [12 * $n, 0, $age]
        : [0, $n * ({ d => 86400, h => 3600, '' => 1 }->{$u}), $age];
}
is_deeply([ sort keys %declared ], [qw(_fbp _ga _gid lang)],
    'lifetimes declared for _ga, _gid, _fbp and lang');

# now + months calendar months (the day clamped), + seconds
sub calendar_until {
    my ($now, $months, $seconds) = @_;
    my @t = gmtime $now;
    my ($y, $m) = ($t[5] + 1900, $t[4] + $months);
    $y += int($m / 12);
    $m %= 12;
    my @mdays = (31, ($y % 4 == 0 && ($y % 100 || $y % 400 == 0)) ? 29 : 28,
        31, 30, 31, 30, 31, 31, 30, 31, 30, 31);
    my $d = $t[3] > $mdays[$m] ? $mdays[$m] : $t[3];
    return timegm($t[0], $t[1], $t[2], $d, $m, $y) + $seconds;
}

my %cookie_words = (sv => { M => 'månader', d => 'dag', y => 'år' });
my $cookies_page = text_of($t->get('/privacy/cookies?lang=sv')->{content});
for my $name (sort keys %declared) {
    my ($n, $u) = $declared{$name}[2] =~ /^(\d+)([Mdy])$/;
    like($cookies_page, qr/\b$n $cookie_words{sv}{$u}/,
        "cookie page: the lifetime of $name ($declared{$name}[2]) in words");
}

# policy.json says the same, machine-readable
my $pj = JSON::PP->new->utf8->decode($t->get('/privacy/policy.json')->{content});
is($pj->{cookies}{categories}{statistics}{max_age}, $stats_cap,
    'policy.json: the statistics lifetime');
my %pj_age = map { $_->{pattern} => $_->{max_age} } @{ $pj->{cookies}{patterns} };
is($pj_age{'^_gid$'}, '1d', 'policy.json: _gid\'s lifetime');
is($pj_age{'^_fbp$'}, '90d', 'policy.json: _fbp\'s lifetime');
ok(!defined $pj_age{'^_ga(_.*)?$'}, 'policy.json: _ga has its category\'s');

my $before = time;
$r = $t->get('/', { Cookie => $accepted });
my $after = time;
my %set = map { /^([^=]+)=/ ? ($1 => $_) : () } set_cookies($r);
ok($set{$_}, "with consent, the backend's $_ passes") for qw(_ga _gid _fbp lang);
for my $name (sort keys %declared) {
    my $sc = $set{$name} or next;
    my $limit = calendar_until($after, @{ $declared{$name} }[0, 1]);
    my ($age) = $sc =~ /;\s*Max-Age=(\d+)/i;
    my ($exp) = $sc =~ /;\s*Expires=([^;]+)/i;
    ok(defined $age || defined $exp, "$name: a lifetime is set");
    ok($after + $age <= $limit, "$name: Max-Age $age within $declared{$name}[2]")
        if defined $age;
    if (defined $exp) {
        my $e = http_date($exp);
        ok(defined $e && $e <= $limit,
            "$name: Expires $exp within $declared{$name}[2]");
    }
}
like($set{_ga}, qr/Max-Age=(\d+)/, '_ga keeps a Max-Age');
my ($ga_age) = $set{_ga} =~ /Max-Age=(\d+)/;
ok($ga_age < 63072000, "_ga: the backend's 2 years were cut ($ga_age s)");
ok($before + $ga_age >= calendar_until($before, 13, 0) - 1,
    '_ga: to 13 calendar months, not 13 x 30 days');
like($set{_gid}, qr/Expires=\w{3}, \d\d \w{3} \d{4} \d\d:\d\d:\d\d GMT/,
    "_gid: the backend's Expires of 2100 rewritten to a date");

$t->get('/products.html?truth=undecided');
$t->get('/products.html?truth=accepted', { Cookie => $accepted });
$t->get('/products.html?truth=objected', { Cookie => $objected });

# --- every pattern in words ----------------------------------------------

my %described = map { $_->{pattern} => $_->{description} } @{ $doc->{cookies} || [] };
my %words_of = (
    '^(session|csrftoken)$' => [qr{<code>session</code> och <code>csrftoken</code>},
                                qr{<code>session</code> and <code>csrftoken</code>}],
    '^_gid$'  => [qr{<code>_gid</code>}, qr{<code>_gid</code>}],
    '^_fbp$'  => [qr{<code>_fbp</code>}, qr{<code>_fbp</code>}],
    '^lang$'  => [qr{<code>lang</code>}, qr{<code>lang</code>}],
);
my %pages;
for my $lang (qw(sv en)) {
    $pages{"cookies $lang"} = decode_utf8($t->get("/privacy/cookies?lang=$lang")->{content});
    $pages{"policy $lang"} = decode_utf8($t->get("/privacy/policy?lang=$lang")->{content});
}
my @patterns = $HTTP =~ /^\s*privacy_cookie\s+\w+\s+'([^']+)'/mg;
ok(@patterns >= 5, 'the demo classifies ' . scalar(@patterns) . ' patterns');
for my $pat (@patterns) {
    (my $html = $pat) =~ s/&/&amp;/g;
    for my $k (sort keys %pages) {
        my ($what, $lang) = split / /, $k;
        unlike($pages{$k}, qr/\Q$html\E/, "$k: $pat is not shown raw");
        if ($described{$pat}) {
            like($pages{$k}, qr/\Q$described{$pat}{$lang}\E/,
                "$k: $pat in the document's words");
        } else {
            ok($words_of{$pat}, "$pat: words expected by this test") or next;
            like($pages{$k}, $words_of{$pat}[$lang eq 'sv' ? 0 : 1],
                "$k: $pat in words");
        }
    }
}

# --- recipients: the categories' cookies and who receives them ------------

for my $cat (qw(statistics marketing)) {
    my $ids = $doc->{cookie_categories}{$cat}{recipients};
    ok($ids && @$ids, "the document names who receives $cat cookies");
    for my $id (@{ $ids || [] }) {
        my ($rec) = grep { $_->{id} eq $id } @{ $doc->{recipients} };
        like($pages{'cookies sv'}, qr/De tas emot av: [^.]*\Q$rec->{name}{sv}\E/,
            "cookie page: $cat cookies go to $rec->{name}{sv}");
    }
}
unlike($t->error_log, qr/\[warn\].*recipients/,
    'nginx -t: no warning for the demo, whose categories have recipients');
unlike($t->error_log, qr/\[warn\].*regular expression/,
    'nginx -t: no warning for the demo, whose patterns all have words');

# --- the access log: no address, no query as typed ---------------------

my $Q = '/search?q=Anna+Svensson+anna.s%40example.se+19811218-9876';
$r = $t->get($Q);
is($r->{status}, 200, 'a search with personal data');
$t->get('/kund/anna.s%40example.se?ref=070-1234567');
# an error with the request's context: a body over client_max_body_size
my $error_from = length $t->error_log;
like($t->raw_request("POST $Q HTTP/1.1\r\nHost: localhost\r\n"
    . "Content-Length: 2000000\r\nConnection: close\r\n\r\n"),
    qr/^HTTP\/1\.1 413/, 'a request nginx logs as an error');
$t->stop;

# what the analytics stored: a daily pseudonym without consent, the
# consent id with it, as the policy says
require DBI;
my $dbh = DBI->connect("dbi:SQLite:dbname=$run/data/privacy.db", '', '',
    { RaiseError => 1, sqlite_open_flags => 1 });   # read-only
my $ids = $dbh->selectcol_arrayref("SELECT identified FROM analytics_events "
    . "WHERE path = '/products.html' ORDER BY id");
$dbh->disconnect;
is_deeply($ids, [0, 1],
    'db: a pseudonym without consent, the consent id with statistics, '
    . 'nothing after an objection');

my $log = slurp("$run/logs/access.log");
like($log, qr/"GET \/search\?q=anna\+svensson\+\[email\]\+\[personnummer\] HTTP\/1\.1"/,
    'access log: the search scrubbed as search terms are');
like($log, qr/"GET \/kund\/\[email\]\?ref=\[phone\] HTTP\/1\.1"/,
    'access log: path and other arguments scrubbed too');
unlike($log, qr/127\.0\.0\.1/, 'access log: no IP address');
unlike($log, qr/\d+\.\d+\.\d+\.\d+|::1/, 'access log: nothing like an address');
unlike($log, qr/\Q$Q\E|q=Anna|anna\.s|%40|\@|19811218|9876|1234567/,
    'access log: no query as typed, no address, number or phone in it');
like($log, qr/^[0-9a-f]{32} \[/m,
    'access log: the client as a keyed hash ($privacy_client)');
my $secret_hex = unpack 'H*', slurp($t->secret_file);
unlike($log, qr/\Q$secret_hex\E/, 'access log: not the secret');

# the error log, at the demo's level (notice) and above
my @errors = grep { !/\[(?:info|debug)\]/ }
    split /\n/, substr($t->error_log, $error_from);
my ($too_large) = grep { /too large body/ } @errors;
like($too_large // '', qr/client: [0-9a-f]{32}, server: localhost, request: "POST \/search\?q=anna\+svensson\+\[email\]\+\[personnummer\] HTTP\/1\.1"/,
    'error log: the client as a keyed hash, the request scrubbed')
    or diag(join "\n", @errors);
@errors = grep { !/\[(?:info|debug)\]/ } split /\n/, $t->error_log;
my @leaks = grep { /q=Anna|anna\.s|%40|\@|19811218|1234567/
    || /(?:client|request|referrer): .*(?:\d+\.\d+\.\d+\.\d+|::1)/ } @errors;
is_deeply(\@leaks, [], 'error log: no address, no query as typed');

# --- keep: the texts say that unclassified cookies pass ------------------

demo_config('^\s*privacy_unclassified strip;' => '    privacy_unclassified keep;');
$t->start;

check_unclassified('keep');

$r = $t->get('/product.html');
@names = map { /^([^=]+)=/ ? $1 : () } set_cookies($r);
ok(grep({ $_ eq 'recently_viewed' } @names),
    'keep: recently_viewed reaches the browser, as the texts now say');
ok($t->wait_for(sub {
    $seen = text_of($t->get('/privacy/cookies?lang=en')->{content});
    $seen =~ /recently_viewed: unclassified \(not blocked\)/
}, 30), 'keep: the cookie page lists recently_viewed as not blocked')
    or diag($seen);
like($t->get('/debug/cookies', { Cookie => 'session=1; foo=2' })->{content},
    qr/^Cookie: session=1; foo=2\n/m,
    'keep: an unclassified cookie reaches the backend, as the texts say');

$t->stop;

# --- a category without recipients: nginx -t warns ------------------------

{
    my $d = JSON::PP->new->utf8->decode(slurp("$DEMO/policy.json"));
    delete $d->{cookie_categories}{statistics}{recipients};
    my $f = $t->write_file('policy-no-recipients.json',
                           JSON::PP->new->utf8->encode($d));
    demo_config('^\s*privacy_policy \S+;' => "    privacy_policy $f;");
    my ($good, $out) = $t->test_config;
    ok($good, 'nginx -t: a missing recipient is a warning, not an error');
    like($out, qr/\[warn\].*cookies of the category "statistics" are classified \(privacy_cookie statistics "\^_ga\(_\.\*\)\?\$"\) but \$\.cookie_categories\.statistics\.recipients does not say who receives them/,
        'nginx -t: names the category, its pattern and the missing key');
    unlike($out, qr/category "marketing"/, 'nginx -t: not for marketing, which says');
}

# --- a pattern visitors would read as a regular expression: nginx -t warns --

{
    demo_config(q{privacy_cookie preferences '\^lang\$'}
                => q{privacy_cookie preferences '(?i)^lang'});
    my ($good, $out) = $t->test_config;
    ok($good, 'nginx -t: a pattern without words is a warning, not an error');
    like($out, qr/\[warn\].*the pattern "\(\?i\)\^lang" is shown to visitors as a regular expression: give it words in \$\.cookies/,
        'nginx -t: names the pattern and where its words go');
    is(() = $out =~ /regular expression/g, 1,
        'nginx -t: only that one (the others are in words)');
}

# --- the lifetime's syntax: nginx -t says what is wrong ---------------------

my $c = PrivacyTest->new;
for my $case (
    [ "privacy_cookie statistics '^_ga\$' max_age=13M;", 1, undef ],
    [ "privacy_cookie statistics '^_ga\$' max_age=soon;", 0,
      qr/invalid max_age "soon" in "privacy_cookie"/ ],
    [ "privacy_cookie statistics '^_ga\$' ttl=13M;", 0,
      qr/invalid parameter "ttl=13M" in "privacy_cookie", expected max_age=TIME/ ],
    [ "privacy_cookie_max_age tracking 13M;", 0,
      qr/unknown cookie category "tracking" in "privacy_cookie_max_age"/ ],
    [ "privacy_cookie_max_age statistics 13M; privacy_cookie_max_age statistics 1y;",
      0, qr/"privacy_cookie_max_age" directive is duplicate/ ],
) {
    my ($line, $ok, $msg) = @$case;
    $c->config(<<EOF);
    privacy_secret_file %%SECRET%%;
    $line
    server { listen 127.0.0.1:%%PORT%%; privacy on; }
EOF
    my ($good, $out) = $c->test_config;
    is($good, $ok, "nginx -t: $line");
    like($out, $msg, "nginx -t: the message for $line") if $msg;
}

done_testing;
