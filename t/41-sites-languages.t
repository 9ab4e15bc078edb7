#!/usr/bin/perl

# Issue 24.5: languages.  The policy document names the languages its
# texts carry ("languages", any set; sv and en without it), and
# privacy_default_language chooses the pages' language for a visitor who
# asks for none of the site's: a German visitor of a Swedish and English
# site gets the configured default, of a site whose document is also in
# German gets the document's German texts.

use strict;
use utf8;
use warnings;

use FindBin;
use lib "$FindBin::Bin/lib";

use JSON::PP;
use Test::More;
use PrivacyTest;
use ExamplePolicy;

my $t = PrivacyTest->new;

my $EXAMPLE = $ExamplePolicy::PATH;
my $json = JSON::PP->new->utf8->canonical;

my $RETENTION = ExamplePolicy::retention();

sub example {
    open my $fh, '<:raw', $EXAMPLE or die "$EXAMPLE: $!";
    return $json->decode(do { local $/; <$fh> });
}

# every text {sv, en} of the document: the languages asked for, made from
# the English text ("de" becomes "[de] ..."); the others dropped
sub relanguage {
    my ($node, @langs) = @_;
    if (ref $node eq 'HASH') {
        if (exists $node->{sv} && exists $node->{en} && !ref $node->{en}) {
            my $en = $node->{en};
            my $sv = $node->{sv};
            %$node = map {
                $_ => $_ eq 'en' ? $en : $_ eq 'sv' ? $sv : "[$_] $en"
            } @langs;
            return;
        }
        relanguage($_, @langs) for values %$node;
    } elsif (ref $node eq 'ARRAY') {
        relanguage($_, @langs) for @$node;
    }
}

sub policy {
    my ($file, $langs, $declared) = @_;
    my $doc = example();
    relanguage($doc, @$langs);
    $doc->{languages} = $declared // $langs;
    return $t->write_file($file, $json->encode($doc));
}

sub conf {
    my ($policy, $server_extra) = @_;
    $server_extra //= '';
    my $p = defined $policy ? "    privacy_policy $policy;\n$RETENTION" : '';
    return <<"EOF";
    privacy_secret_file %%SECRET%%;
$p
    server {
        listen 127.0.0.1:%%PORT%%;
        privacy on;
$server_extra
        location /privacy/ { privacy_portal; }
    }
EOF
}

sub check {
    $t->config(conf(@_));
    return $t->test_config;
}

# --- the document's languages at nginx -t --------------------------------------

my $svende = policy('svende.json', [qw(sv en de)]);
my $ende = policy('ende.json', [qw(en de)]);
my $de_only = policy('de.json', [qw(de)]);
my $missing = policy('missing.json', [qw(sv en)], [qw(sv en de)]);
my $bad = policy('bad.json', [qw(sv en)], ['DE']);

{
    my ($ok, $out) = check($svende);
    ok($ok, 'a document in sv, en and de passes') or diag($out);

    ($ok, $out) = check($ende);
    ok($ok, 'a document in en and de only passes') or diag($out);

    ($ok, $out) = check($de_only);
    ok($ok, 'a document in de only passes') or diag($out);

    ($ok, $out) = check($missing);
    ok(!$ok, 'a declared language missing in a text fails');
    like($out, qr/privacy_policy "[^"]*": \$\.\S+\.de: missing/,
        'naming the text and the language') or diag($out);

    ($ok, $out) = check($bad);
    ok(!$ok, 'a language code that is not one fails');
    like($out, qr/\$\.languages\[0\]: must be a language code/, 'named')
        or diag($out);

    ($ok, $out) = check(undef, '        privacy_default_language en;');
    ok($ok, 'privacy_default_language en without a document') or diag($out);

    ($ok, $out) = check(undef, '        privacy_default_language de;');
    ok(!$ok, 'privacy_default_language de without a German document fails');
    like($out, qr/privacy_default_language "de" is not a language of the site's pages: sv, en/,
        'naming the languages there are') or diag($out);

    ($ok, $out) = check($svende, '        privacy_default_language de;');
    ok($ok, 'privacy_default_language de with a German document')
        or diag($out);

    # at the http level, for servers with their own German documents
    $t->config(<<"EOF");
    privacy_secret_file %%SECRET%%;
    privacy_default_language de;

    server {
        listen 127.0.0.1:%%PORT%%;
        privacy on;
        privacy_policy $svende;
$RETENTION
        location /privacy/ { privacy_portal; }
    }
EOF
    ($ok, $out) = $t->test_config;
    ok($ok, 'privacy_default_language de at http, the document in a server')
        or diag($out);
}

# --- which language a visitor gets ----------------------------------------------

sub lang_of {
    my ($path, $accept) = @_;
    my $r = $t->get($path, { 'Accept-Language' => $accept });
    my ($lang) = $r->{content} =~ /<html lang="([^"]+)"/;
    return ($lang // 'none', $r->{content});
}

$t->config(conf(undef, '        privacy_default_language en;'));
$t->start;

is((lang_of('/privacy/consent', 'de-DE,de;q=0.9'))[0], 'en',
    'de-DE on a sv/en site with privacy_default_language en: English');
is((lang_of('/privacy/consent', 'de-DE, sv;q=0.5'))[0], 'sv',
    'de-DE then sv: Swedish, the visitor\'s next choice');
is((lang_of('/privacy/consent', 'en-GB'))[0], 'en', 'en-GB: English');
$t->stop;

$t->config(conf(undef));
$t->start;
is((lang_of('/privacy/consent', 'de-DE'))[0], 'sv',
    'without the directive: Swedish, as before');
$t->stop;

# a document in German too: a German visitor reads its German texts
$t->config(conf($svende, '        privacy_default_language en;'));
$t->start;
{
    my (undef, $page) = lang_of('/privacy/policy', 'de-DE');
    like($page, qr/\[de\] /, 'de-DE: the document\'s German texts');
    like($page, qr/\[de\] Optimera Svenska AB/, 'e.g. the controller');
    (undef, $page) = lang_of('/privacy/policy', 'fr-FR');
    unlike($page, qr/\[de\] /, 'fr-FR: the default language, English');
    like($page, qr/<html lang="en"/, 'in English');
    (undef, $page) = lang_of('/privacy/policy?lang=de', 'sv');
    like($page, qr/\[de\] /, '?lang=de chooses German');
}
$t->stop;

# a document without Swedish: its first language is the default
$t->config(conf($ende));
$t->start;
{
    my ($lang, $page) = lang_of('/privacy/policy', 'sv-SE');
    is($lang, 'en', 'sv-SE on an en/de site: English, the first language');
    unlike($page, qr/\[de\] /, 'with the English texts');
}

done_testing;
undef $t;
