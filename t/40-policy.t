#!/usr/bin/perl

# The policy document (privacy_policy), its validation at "nginx -t", and
# the portal's policy, policy.json and cookies pages built from it and from
# the live configuration (privacy_retention, privacy_cookie).

use strict;
use utf8;
use warnings;

use FindBin;
use lib "$FindBin::Bin/lib";

use Digest::SHA qw(sha256_hex);
use JSON::PP;
use Test::More;
use PrivacyTest;
use ExamplePolicy;

my $EXAMPLE = $ExamplePolicy::PATH;

my $json = JSON::PP->new->utf8->canonical->pretty;

# the privacy_retention lines docs/policy-document.md ships for the example
my @example_retention = ExamplePolicy::retention_lines();
my $EXAMPLE_RETENTION = ExamplePolicy::retention();

sub text { return { sv => $_[0], en => $_[1] } }

# the smallest valid document: tests change one thing in a copy
sub minimal {
    return {
        updated    => '2026-03-01',
        controller => {
            name                => text('Exempel AB', 'Exempel AB'),
            organisation_number => '556000-0000',
            address             => text("Storgatan 1\n111 11 Stockholm",
                                        "Storgatan 1\nSE-111 11 Stockholm"),
        },
        dpo                   => { email => 'dataskydd@exempel.se' },
        supervisory_authority => {
            name => text('Integritetsskyddsmyndigheten (IMY)',
                         'the Swedish Authority for Privacy Protection (IMY)'),
            url  => 'https://www.imy.se/',
        },
        data_categories => [
            { id => 'contact', name => text('Kontaktuppgifter',
                                            'Contact details') },
            { id => 'usage', name => text('Webbplatsbesök', 'Site visits') },
        ],
        purposes => [
            {
                id              => 'orders',
                name            => text('Beställningar', 'Orders'),
                description     => text('Vi levererar.', 'We deliver.'),
                legal_basis     => 'contract',
                data_categories => ['contact'],
                retention       => 'customer',
                recipients      => ['carriers'],
            },
            {
                id                  => 'stats',
                name                => text('Statistik', 'Statistics'),
                description         => text('Vi räknar besök.',
                                            'We count visits.'),
                legal_basis         => 'legitimate_interests',
                legitimate_interest => text('Bättre webbplats.',
                                            'A better site.'),
                data_categories     => 'usage',
                retention           => ['analytics'],
            },
            {
                id              => 'ads',
                name            => text('Annonser', 'Ads'),
                description     => text('Med samtycke.', 'With consent.'),
                legal_basis     => 'consent',
                data_categories => ['usage'],
                retention       => 'analytics',
            },
        ],
        recipients => [
            { id => 'carriers', kind => 'processor',
              name => text('Transportföretag', 'Carriers') },
        ],
    };
}

my $n = 0;

sub write_doc {
    my ($t, $doc) = @_;
    $n++;
    return $t->write_file("policy-$n.json",
                          ref $doc ? $json->encode($doc) : $doc);
}

sub conf {
    my ($file, %o) = @_;
    my $retention = $o{retention}
        // "privacy_retention customer 24M;\n"
           . "    privacy_retention analytics 13M;\n";
    my $extra = $o{extra} // '';
    my $version = $o{version} // '3';
    return <<"EOF";
    privacy_secret_file %%SECRET%%;
    privacy_policy $file;
    privacy_policy_version $version;
    $retention
    privacy_cookie statistics '^_ga';
    privacy_cookie marketing '^_fbp\$';
    privacy_cookie necessary '^session\$';
    $extra

    %%BACKEND%%

    server {
        listen 127.0.0.1:%%PORT%%;

        location /privacy/ {
            privacy_portal;
        }

        location / {
            proxy_pass http://127.0.0.1:%%BACKEND_PORT%%;
        }
    }
EOF
}

# --- nginx -t ---------------------------------------------------------------

my $c = PrivacyTest->new;

# runs nginx -t on a document (a hash ref or raw text); returns the output
sub check {
    my ($doc, %o) = @_;
    my $file = ref $doc || !defined $o{file} ? write_doc($c, $doc) : $o{file};
    $c->config(conf($file, %o));
    my ($ok, $out) = $c->test_config;
    return ($ok, $out, $file);
}

sub rejects {
    my ($doc, $re, $name, %o) = @_;
    my ($ok, $out, $file) = check($doc, %o);
    local $Test::Builder::Level = $Test::Builder::Level + 1;
    ok(!$ok, "rejected: $name");
    like($out, qr/\[emerg\] privacy_policy "\Q$file\E": $re/, "message: $name")
        or diag($out);
}

{
    my ($ok, $out) = check(minimal());
    ok($ok, 'the minimal document is accepted') or diag($out);
}

my $d;

$d = minimal();
delete $d->{controller}{name}{en};
rejects($d, qr/\$\.controller\.name\.en: missing/, 'a language missing');

$d = minimal();
delete $d->{purposes}[1]{description}{sv};
rejects($d, qr/\$\.purposes\[1\]\.description\.sv: missing/,
    'Swedish missing in a purpose');

$d = minimal();
$d->{data_categories}[0]{name}{en} = '  ';
rejects($d, qr/\$\.data_categories\[0\]\.name\.en: must not be empty/,
    'a blank text');

$d = minimal();
$d->{controller}{address} = 'Storgatan 1';
rejects($d, qr/\$\.controller\.address: must be an object of texts by language/,
    'a text that is a plain string');

$d = minimal();
delete $d->{dpo};
rejects($d, qr/\$\.dpo: missing/, 'a required object missing');

$d = minimal();
delete $d->{purposes}[0]{legal_basis};
rejects($d, qr/\$\.purposes\[0\]\.legal_basis: missing/, 'legal basis missing');

$d = minimal();
$d->{purposes}[2]{legal_basis} = 'contrakt';
rejects($d, qr/\$\.purposes\[2\]\.legal_basis: unknown legal basis "contrakt" \(expected consent, contract, legal_obligation, vital_interests, public_task or legitimate_interests\)/,
    'an unknown legal basis');

$d = minimal();
$d->{purposes}[0]{retention} = 'supplier';
rejects($d, qr/\$\.purposes\[0\]\.retention: retention category "supplier" has no "privacy_retention"/,
    'a purpose whose retention category has no privacy_retention');

rejects(minimal(),
    qr/\$\.purposes\[0\]\.retention: retention category "customer" has no "privacy_retention"/,
    'the same, as the lines of the configuration decide',
    retention => "privacy_retention analytics 13M;\n");

$d = minimal();
$d->{purposes}[1]{retention} = ['analytics', 'forever'];
rejects($d, qr/\$\.purposes\[1\]\.retention\[1\]: unknown retention category "forever"/,
    'an unknown retention category, in an array');

$d = minimal();
$d->{purposes}[0]{retention} = [];
rejects($d, qr/\$\.purposes\[0\]\.retention: must not be empty/,
    'no retention category');

$d = minimal();
$d->{retention} = { cctv => { text => text('Kort.', 'Short.') } };
rejects($d, qr/\$\.retention\.cctv: retention category "cctv" has no "privacy_retention"/,
    'a retention note for an unconfigured category');

$d = minimal();
$d->{purposes}[0]{data_categories} = ['contact', 'contct'];
rejects($d, qr/\$\.purposes\[0\]\.data_categories\[1\]: unknown data category "contct"/,
    'a reference to a data category that does not exist');

$d = minimal();
$d->{purposes}[0]{recipients} = 'carrier';
rejects($d, qr/\$\.purposes\[0\]\.recipients: unknown recipient "carrier"/,
    'a reference to a recipient that does not exist');

$d = minimal();
$d->{transfers} = [ { recipients => ['nobody'], countries => text('USA', 'USA'),
                      safeguard => 'standard_contractual_clauses' } ];
rejects($d, qr/\$\.transfers\[0\]\.recipients\[0\]: unknown recipient "nobody"/,
    'a transfer to an unknown recipient');

$d = minimal();
$d->{transfers} = [ { recipients => ['carriers'], countries => text('USA', 'USA'),
                      safeguard => 'trust_us' } ];
rejects($d, qr/\$\.transfers\[0\]\.safeguard: unknown transfer safeguard "trust_us"/,
    'an unknown transfer safeguard');

$d = minimal();
$d->{purposes}[2]{id} = 'orders';
rejects($d, qr/\$\.purposes\[2\]\.id: duplicate id "orders", also at \$\.purposes\[0\]/,
    'a duplicate id');

$d = minimal();
$d->{purposes}[0]{id} = 'Orders!';
rejects($d, qr/\$\.purposes\[0\]\.id: must be an id of at most 64 lowercase/,
    'an id with other characters');

$d = minimal();
delete $d->{purposes}[1]{legitimate_interest};
rejects($d, qr/\$\.purposes\[1\]\.legitimate_interest: missing \(the legal basis "legitimate_interests" needs the interest named\)/,
    'legitimate interests without the interest');

$d = minimal();
$d->{purposes}[0]{legitimate_interest} = text('Varför inte.', 'Why not.');
rejects($d, qr/\$\.purposes\[0\]\.legitimate_interest: only allowed with the legal basis "legitimate_interests"/,
    'an interest with another legal basis');

$d = minimal();
$d->{supervisory_authority}{url} = 'javascript:alert(1)';
rejects($d, qr/\$\.supervisory_authority\.url: must be an http:\/\/ or https:\/\/ URL/,
    'a URL that is not http(s)');

$d = minimal();
$d->{dpo}{email} = 'dataskydd at exempel.se';
rejects($d, qr/\$\.dpo\.email: must be an e-mail address/, 'a bad e-mail');

$d = minimal();
$d->{updated} = '2026-02-30';
rejects($d, qr/\$\.updated: must be a date as YYYY-MM-DD/, 'a bad date');

$d = minimal();
$d->{controler} = $d->{controller};
rejects($d, qr/\$\.controler: unknown key/, 'a misspelt key');

$d = minimal();
$d->{'odd "key"'} = 1;
rejects($d, qr/\$\["odd \?key\?"\]: unknown key/, 'an odd key, quoted');

$d = minimal();
$d->{_comment} = 'keys starting with "_" are notes';
$d->{controller}{_reviewed} = '2026-01-01';
{
    my ($ok, $out) = check($d);
    ok($ok, 'keys starting with "_" are notes') or diag($out);
}

$d = minimal();
$d->{cookie_categories} = { tracking => { title => text('T', 'T'),
                                          text => text('T', 'T') } };
rejects($d, qr/\$\.cookie_categories\.tracking: unknown cookie category "tracking"/,
    'an unknown cookie category');

$d = minimal();
$d->{cookie_categories} = { statistics => { title => text('T', 'T') } };
rejects($d, qr/\$\.cookie_categories\.statistics\.text: missing/,
    'a cookie category without its text');

$d = minimal();
$d->{rights} = { be_forgotten => text('x', 'x') };
rejects($d, qr/\$\.rights\.be_forgotten: unknown right "be_forgotten"/,
    'an unknown right');

$d = minimal();
$d->{purposes} = [];
rejects($d, qr/\$\.purposes: must not be empty/, 'no purposes');

$d = minimal();
$d->{recipients} = {};
rejects($d, qr/\$\.recipients: must be an array/, 'recipients not an array');

rejects([1, 2], qr/\$: must be an object/, 'not an object');

rejects(qq({\n  "controller": {\n    "name": ,\n  }\n}\n),
    qr/invalid JSON at line 3, column \d+: /, 'invalid JSON: line and column');

rejects(qq({"dpo": {"email": "a\@b.se"}, "dpo": {"email": "c\@d.se"}}),
    qr/invalid JSON at line 1, column \d+: duplicate object key/,
    'duplicate keys');

{
    my $missing = $c->dir . '/no-such-policy.json';
    my ($ok, $out) = check(undef, file => $missing);
    ok(!$ok, 'a missing file is rejected');
    like($out, qr/\[emerg\] privacy_policy "\Q$missing\E": stat\(\) failed \(2: No such file or directory\)/,
        'message: a missing file');

    ($ok, $out) = check(undef, file => $c->dir);
    ok(!$ok, 'a directory is rejected');
    like($out, qr/\[emerg\] privacy_policy "\Q${\ $c->dir}\E": not a regular file/,
        'message: a directory');
}

# the example ships with its retention lines
ok(@example_retention >= 7, 'docs/policy-document.md lists retention lines')
    or diag(scalar @example_retention);
{
    my ($ok, $out) = check(undef, file => $EXAMPLE,
                           retention => $EXAMPLE_RETENTION);
    ok($ok, 'the example loads with the documented retention lines')
        or diag($out);

    (my $fewer = $EXAMPLE_RETENTION) =~ s/^.*privacy_retention\s+cctv.*\n//m;
    ($ok, $out) = check(undef, file => $EXAMPLE, retention => $fewer);
    ok(!$ok, 'the example needs its cctv retention line');
    like($out, qr/retention category "cctv" has no "privacy_retention"/,
        'message: the example without cctv');
}

# --- the pages of the example -----------------------------------------------

my $t = PrivacyTest->new;
my $conf = conf($EXAMPLE, retention => $EXAMPLE_RETENTION, version => '2026-11');
$t->config($conf);
$t->start;

my $r = $t->get('/privacy/policy', { 'Accept-Language' => 'sv-SE,sv;q=0.9' });
is($r->{status}, 200, 'policy: 200');
like($r->{headers}{'content-type'}, qr{^text/html; charset=utf-8}, 'policy: html');
is($r->{headers}{'content-language'}, 'sv', 'policy: Content-Language sv');
is($r->{headers}{vary}, 'Accept-Language', 'policy: Vary: Accept-Language');
like($r->{headers}{'content-security-policy'}, qr/default-src 'none'/,
    'policy: Content-Security-Policy');

my $sv = $r->{content};
utf8::decode($sv);
like($sv, qr{<html lang="sv">}, 'sv: html lang');
like($sv, qr{<h1>Integritetspolicy</h1>}, 'sv: title');
like($sv, qr{Version 2026-11, senast ändrad 1 november 2026},
    'sv: version and date');
like($sv, qr{Optimera Svenska AB \(organisationsnummer 556193-8134\) är personuppgiftsansvarig},
    'sv: the controller');
for my $id (qw(collected purposes recipients retention cookies rights security
               contact))
{
    like($sv, qr{<h2 id="$id">}, "sv: section $id");
}
like($sv, qr{<li id="retention-customer"><strong>Kunduppgifter</strong>: 24 månader efter att kundförhållandet upphört},
    'sv: customer data kept "24 månader", from privacy_retention');
like($sv, qr{<li id="retention-chat"><strong>[^<]+</strong>: 90 dagar },
    'sv: chats 90 dagar');
like($sv, qr{<li id="retention-cctv"><strong>[^<]+</strong>: 30 dagar },
    'sv: CCTV 30 dagar');
like($sv, qr{<li id="retention-bookkeeping"><strong>[^<]+</strong>: till och med utgången av det sjunde året efter det kalenderår då räkenskapsåret avslutades },
    'sv: bookkeeping 7 år, as Bokföringslagen says it');
like($sv, qr{<dt>Rättslig grund</dt><dd>Fullgörande av avtal \(artikel 6\.1 b},
    'sv: a legal basis in words');
like($sv, qr{<dt>Vårt berättigade intresse</dt><dd>},
    'sv: the legitimate interest is named');
like($sv, qr{<a href="#retention-customer">Kunduppgifter</a>: 24 månader},
    'sv: a purpose links to its retention');
like($sv, qr{<h3>Personuppgiftsbiträden</h3>}, 'sv: processors');
like($sv, qr{<h3>Myndigheter</h3>}, 'sv: authorities');
like($sv, qr{standardavtalsklausuler}, 'sv: the transfer safeguard');
like($sv, qr{<a href="/privacy/rights">}, 'sv: rights link into the portal');
like($sv, qr{<a href="/privacy/consent">}, 'sv: consent link into the portal');
like($sv, qr{<a href="/privacy/cookies">}, 'sv: cookie declaration link');
like($sv, qr{Integritetsskyddsmyndigheten \(IMY\), <a href="https://www\.imy\.se/">www\.imy\.se</a>},
    'sv: the supervisory authority is IMY');
unlike($sv, qr{Datainspektionen|datainspektionen\.se}, 'sv: not the old name');
like($sv, qr{<a href="mailto:dataskydd\@optimera\.se">}, 'sv: DPO contact');
like($sv, qr{Saint-Gobain}, 'sv: the group');
like($sv, qr{<code>privacy_consent</code> \(ditt val om cookies, sparas i 180 dagar\)},
    'sv: the consent cookie as necessary, with its lifetime');
like($sv, qr{namn som börjar med <code>_ga</code>}, 'sv: a prefix pattern');
like($sv, qr{<code>_fbp</code>}, 'sv: an exact pattern');
like($sv, qr{Mäter trafiken}, 'sv: cookie category text from the document');
like($sv, qr{</main></body></html>\n$}, 'sv: the page is complete');

$r = $t->get('/privacy/policy', { 'Accept-Language' => 'en-GB,en;q=0.8' });
is($r->{headers}{'content-language'}, 'en', 'en: Content-Language en');
my $en = $r->{content};
utf8::decode($en);
like($en, qr{<html lang="en">}, 'en: html lang');
like($en, qr{<h1>Privacy policy</h1>}, 'en: title');
like($en, qr{Version 2026-11, last changed 1 November 2026},
    'en: version and date');
like($en, qr{<li id="retention-customer"><strong>Customer data</strong>: 24 months after},
    'en: customer data kept "24 months"');
like($en, qr{<dt>Legal basis</dt><dd>Performance of a contract \(Article 6\(1\)\(b\) GDPR\)},
    'en: a legal basis in words');
like($en, qr{the Swedish Authority for Privacy Protection \(IMY\)},
    'en: the supervisory authority');
unlike($en, qr{månader}, 'en: no Swedish periods');

$r = $t->get('/privacy/policy?lang=sv', { 'Accept-Language' => 'en' });
is($r->{headers}{'content-language'}, 'sv', '?lang=sv overrides Accept-Language');
like($r->{content}, qr{24 m\x{c3}\x{a5}nader}, '?lang=sv: 24 månader');

$r = $t->get('/privacy/policy?lang=en', { 'Accept-Language' => 'sv' });
is($r->{headers}{'content-language'}, 'en', '?lang=en overrides Accept-Language');

$r = $t->get('/privacy/policy');
is($r->{headers}{'content-language'}, 'sv', 'no Accept-Language: Swedish');

$r = $t->get('/privacy/policy', { 'Accept-Language' => 'de, en;q=0.5' });
is($r->{headers}{'content-language'}, 'en', 'first of sv or en');

$r = $t->request('HEAD', '/privacy/policy');
is($r->{status}, 200, 'HEAD policy: 200');
is($r->{content} // '', '', 'HEAD policy: no body');
is($r->{headers}{vary}, 'Accept-Language', 'HEAD policy: Vary');

$r = $t->post('/privacy/policy', 'x=1');
is($r->{status}, 405, 'POST policy: 405');

for my $page ('/privacy/nope', '/privacy/policy.html', '/privacy/policy/',
              '/privacy/policy.jsonx', '/privacy/cookie')
{
    is($t->get($page)->{status}, 404, "unknown portal page $page: 404");
}

# the cookie declaration

$r = $t->get('/privacy/cookies', { 'Accept-Language' => 'en' });
is($r->{status}, 200, 'cookies: 200');
is($r->{headers}{vary}, 'Accept-Language', 'cookies: Vary');
is($r->{headers}{'content-language'}, 'en', 'cookies: Content-Language en');
my $cookies = $r->{content};
for my $cat (qw(necessary preferences statistics marketing)) {
    like($cookies, qr{<h2 id="$cat">}, "cookies: category $cat");
}
like($cookies, qr{<h2 id="statistics">Statistics</h2>\n<p>Measure traffic[^<]*</p>\n<ul>\n<li>Names starting with <code>_ga</code></li>\n</ul>},
    'cookies: ^_ga under statistics, with the purpose');
like($cookies, qr{<h2 id="marketing">Marketing</h2>\n<p>[^<]*</p>\n<ul>\n<li><code>_fbp</code></li>},
    'cookies: _fbp under marketing');
like($cookies, qr{<li><code>privacy_consent</code> \(your cookie choice, kept for 180 days\)</li>\n<li><code>session</code></li>},
    'cookies: the consent cookie and session under necessary');
like($cookies, qr{<h2 id="preferences">[^<]*</h2>\n<p>[^<]*</p>\n<ul>\n<li>No cookies in this category\.</li>},
    'cookies: an empty category says so');
unlike($cookies, qr{are removed}, 'cookies: keep mode says nothing of removal');

# the consent page shows the document's category texts

$r = $t->get('/privacy/consent?lang=en');
like($r->{content}, qr{Measure traffic and show which parts},
    'consent page: category text from the document');

# policy.json

$r = $t->get('/privacy/policy.json');
is($r->{status}, 200, 'policy.json: 200');
like($r->{headers}{'content-type'}, qr{^application/json}, 'policy.json: type');
my $pj = eval { decode_json($r->{content}) };
ok($pj, 'policy.json parses') or diag($@);
$pj ||= {};
is($pj->{version}, '2026-11', 'policy.json: version');
is($pj->{updated}, '2026-11-01', 'policy.json: updated');
like($pj->{content_hash} // '', qr/^[0-9a-f]{64}$/, 'policy.json: content_hash');
is($pj->{content_hash}, content_hash($pj),
    'policy.json: content_hash is SHA-256 of the canonical content');
is($pj->{document}{controller}{organisation_number}, '556193-8134',
    'policy.json: the document');
is($pj->{document}{supervisory_authority}{url}, 'https://www.imy.se/',
    'policy.json: IMY');
my ($cust) = grep { $_->{category} eq 'customer' } @{ $pj->{retention} || [] };
is_deeply($cust, { category => 'customer', period => '24M',
                   seconds => 24 * 30 * 86400,
                   text => { sv => "24 m\x{e5}nader", en => '24 months' } },
    'policy.json: customer retention as configured');
is(scalar @{ $pj->{retention} || [] }, scalar @example_retention,
    'policy.json: every retention line');
is_deeply($pj->{cookies}{patterns},
    [ { category => 'statistics', pattern => '^_ga' },
      { category => 'marketing', pattern => '^_fbp$' },
      { category => 'necessary', pattern => '^session$' } ],
    'policy.json: the cookie classification');
is_deeply($pj->{cookies}{consent_cookie},
    { name => 'privacy_consent', category => 'necessary', max_age => 15552000 },
    'policy.json: the consent cookie');
is($pj->{cookies}{unclassified}, 'keep', 'policy.json: unclassified');
is($pj->{cookies}{categories}{statistics}{title}{sv}, 'Statistik',
    'policy.json: category texts');

# built once per configuration: a strong ETag over the bytes served, and
# If-None-Match answered with 304 (nginx's not-modified filter)
my $etag = $r->{headers}{etag} // '';
like($etag, qr/^"[0-9a-f]{32}"$/, 'policy.json: a strong ETag');
is($etag, '"' . substr(sha256_hex($r->{content}), 0, 32) . '"',
    'policy.json: the ETag is the SHA-256 of the body');
my $again = $t->get('/privacy/policy.json');
is($again->{content}, $r->{content}, 'policy.json: the same bytes again');
my $nm = $t->get('/privacy/policy.json', { 'If-None-Match' => $etag });
is($nm->{status}, 304, 'policy.json: If-None-Match with its ETag: 304');
$nm = $t->get('/privacy/policy.json', { 'If-None-Match' => '"0"' });
is($nm->{status}, 200, 'policy.json: another ETag: 200');

sub content_hash {
    my ($p) = @_;
    my %c = map { $_ => $p->{$_} } qw(document retention cookies);
    return sha256_hex(JSON::PP->new->utf8->canonical->encode(\%c));
}

# --- the bar: the page follows privacy_retention ------------------------------

(my $conf36 = $conf) =~ s/(privacy_retention\s+customer\s+)24M;/${1}36M;/
    or die 'no customer line';
$t->config($conf36);
ok($t->reload, 'reload with customer 36M') or diag($t->reload_error);

$r = $t->get('/privacy/policy?lang=sv');
like($r->{content}, qr{<li id="retention-customer"><strong>Kunduppgifter</strong>: 36 m\x{c3}\x{a5}nader},
    'after reload: customer data "36 månader"');
unlike($r->{content}, qr{Kunduppgifter</strong>: 24 m},
    'after reload: no longer 24 månader for customer data');
like($r->{content}, qr{<a href="#retention-customer">Kunduppgifter</a>: 36 m},
    'after reload: the purposes say 36 too');
$r = $t->get('/privacy/policy?lang=en');
like($r->{content}, qr{Customer data</strong>: 36 months}, 'after reload: 36 months');

my $r36 = $t->get('/privacy/policy.json');
my $pj36 = decode_json($r36->{content});
isnt($r36->{headers}{etag}, $etag,
    'policy.json: the ETag changes with the configuration');
isnt($pj36->{content_hash}, $pj->{content_hash},
    'policy.json: content_hash changes with a retention period');
($cust) = grep { $_->{category} eq 'customer' } @{ $pj36->{retention} };
is($cust->{period}, '36M', 'policy.json: customer period 36M');

# a new version alone leaves the content hash as it is
(my $conf_v = $conf36) =~ s/privacy_policy_version 2026-11;/privacy_policy_version 2027-01;/
    or die 'no version line';
$t->config($conf_v);
ok($t->reload, 'reload with a new version') or diag($t->reload_error);
my $pjv = decode_json($t->get('/privacy/policy.json')->{content});
is($pjv->{version}, '2027-01', 'policy.json: new version');
is($pjv->{content_hash}, $pj36->{content_hash},
    'policy.json: same content_hash for the same content');
like($t->get('/privacy/policy')->{content}, qr{Version 2027-01},
    'policy: shows the new version');

# a new cookie pattern changes the declaration and the hash
(my $conf_c = $conf_v) =~ s/(privacy_cookie marketing)/privacy_cookie marketing '^_gcl_';\n    $1/
    or die 'no marketing line';
$t->config($conf_c);
ok($t->reload, 'reload with another cookie pattern') or diag($t->reload_error);
like($t->get('/privacy/cookies?lang=en')->{content},
    qr{<li>Names starting with <code>_gcl_</code></li>},
    'cookies: the new pattern is declared');
isnt(decode_json($t->get('/privacy/policy.json')->{content})->{content_hash},
    $pjv->{content_hash}, 'policy.json: content_hash changes with the cookies');

# --- periods in words, hostile text, no document -----------------------------

my $h = PrivacyTest->new;
$d = minimal();
$d->{controller}{name} = text('<script>alert("sv")</script> AB',
                              '<script>alert("en")</script> AB');
$d->{purposes}[0]{name} = text('"><img src=x onerror=alert(1)>', 'x');
$d->{purposes}[0]{description} = text("Rad ett & två\nRad <b>tre</b>", 'x');
$d->{data_categories}[0]{source} = text("</dd><script>1</script>", 'x');
$d->{supervisory_authority}{url} = 'https://www.imy.se/?a=1&b="2"';
$d->{cookie_categories} = {
    marketing => { title => text('<i>Reklam</i>', 'Ads'),
                   text => text('Annonser & <u>spårning</u>', 'Ads') } };
$h->config(conf(write_doc($h, $d),
    retention => "privacy_retention customer \"1y 6M\";\n"
                 . "    privacy_retention analytics 2w;\n",
    extra => "privacy_cookie marketing '^<ad>\$';\n"
             . "    privacy_cookie preferences '(?i)^lang';\n"
             . "    privacy_unclassified strip;\n"
             . "    privacy_consent_cookie choice max_age=1y;"));
my ($ok, $out) = $h->test_config;
ok(!$ok, 'a URL with a quote is refused');
like($out, qr/\$\.supervisory_authority\.url: must be an http/, 'message: quote in URL');

$d->{supervisory_authority}{url} = 'https://www.imy.se/?a=1&b=2';
$h->config(conf(write_doc($h, $d),
    retention => "privacy_retention customer \"1y 6M\";\n"
                 . "    privacy_retention analytics 2w;\n",
    extra => "privacy_cookie marketing '^<ad>\$';\n"
             . "    privacy_cookie preferences '(?i)^lang';\n"
             . "    privacy_unclassified strip;\n"
             . "    privacy_consent_cookie choice max_age=1y;"));
$h->start;

$r = $h->get('/privacy/policy?lang=sv');
is($r->{status}, 200, 'hostile document: 200');
my $p = $r->{content};
utf8::decode($p);
unlike($p, qr{<script|<img|<b>|</dd><script|<i>Reklam|<u>}, 'hostile: no markup from the document');
like($p, qr{&lt;script&gt;alert\(&quot;sv&quot;\)&lt;/script&gt; AB \(organisationsnummer},
    'hostile: the controller name is escaped');
like($p, qr{<h3>&quot;&gt;&lt;img src=x onerror=alert\(1\)&gt;</h3>},
    'hostile: a purpose name is escaped');
like($p, qr{<p>Rad ett &amp; två</p>\n<p>Rad &lt;b&gt;tre&lt;/b&gt;</p>},
    'hostile: lines become escaped paragraphs');
like($p, qr{href="https://www\.imy\.se/\?a=1&amp;b=2"}, 'hostile: URL escaped in href');
like($p, qr{&lt;i&gt;Reklam&lt;/i&gt;}, 'hostile: cookie category title escaped');
like($p, qr{namn som matchar <code>\^&lt;ad&gt;\$</code>},
    'hostile: cookie pattern escaped');
like($p, qr{Kunduppgifter</strong>: 1 år och 6 månader efter},
    'a compound period in words');
like($p, qr{Besöksstatistik</strong>: 2 veckor efter}, 'weeks in words');
like($p, qr{<code>choice</code> \(ditt val om cookies, sparas i 365 dagar\)},
    'the consent cookie name and max_age as configured');
like($p, qr{namn som matchar <code>\(\?i\)\^lang</code>},
    'a pattern that is not a plain name is shown as is');
unlike($p, qr{<h2 id="security">}, 'no security section without one');
like($p, qr{inte över personuppgifter till länder utanför EU/EES},
    'no transfers: the page says so');

$r = $h->get('/privacy/policy?lang=en');
$p = $r->{content};
like($p, qr{Customer data</strong>: 1 year and 6 months after}, 'compound in English');
like($p, qr{&lt;script&gt;alert\(&quot;en&quot;\)&lt;/script&gt;}, 'hostile: English escaped');

$r = $h->get('/privacy/cookies?lang=en');
like($r->{content}, qr{Cookies that belong to no category are removed:},
    'cookies: strip mode says so');

$r = $h->get('/privacy/policy.json');
my $hj = decode_json($r->{content});
is($hj->{document}{controller}{name}{sv}, '<script>alert("sv")</script> AB',
    'policy.json: the text as written (JSON needs no HTML escaping)');
is($hj->{cookies}{consent_cookie}{name}, 'choice', 'policy.json: consent cookie name');
is($hj->{content_hash}, content_hash($hj), 'policy.json: hash with non-ASCII and markup');

# no privacy_policy: no policy, but a cookie declaration
$h->config(<<'EOF');
    privacy_secret_file %%SECRET%%;
    privacy_cookie statistics '^_ga$';

    server {
        listen 127.0.0.1:%%PORT%%;
        location /privacy/ { privacy_portal; }
    }
EOF
ok($h->reload, 'reload without a policy document') or diag($h->reload_error);
is($h->get('/privacy/policy')->{status}, 404, 'no document: policy 404');
is($h->get('/privacy/policy.json')->{status}, 404, 'no document: policy.json 404');
$r = $h->get('/privacy/cookies?lang=en');
is($r->{status}, 200, 'no document: cookies 200');
like($r->{content}, qr{<h2 id="statistics">Statistics</h2>\n<p>Help us understand},
    'no document: the module\'s own category texts');
like($r->{content}, qr{<li><code>_ga</code></li>}, 'no document: patterns listed');
unlike($r->{content}, qr{/privacy/policy"}, 'no document: no link to a policy');

done_testing;
