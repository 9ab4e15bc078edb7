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
use Test::More;
use PrivacyTest;

my $DEMO = "$PrivacyTest::REPO/demo";

sub slurp {
    my ($f) = @_;
    open my $fh, '<:raw', $f or die "$f: $!";
    local $/;
    return scalar <$fh>;
}

# access_log => 1: the harness's log goes to a file of its own (with "off"
# at the same level, the demo's would be off too)
my $t = PrivacyTest->new(workers => 1, access_log => 1);
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

# --- the access log: no address, no query as typed ---------------------

my $Q = '/search?q=Anna+Svensson+anna.s%40example.se+19811218-9876';
$r = $t->get($Q);
is($r->{status}, 200, 'a search with personal data');
$t->get('/kund/anna.s%40example.se?ref=070-1234567');
$t->stop;

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

# --- keep: the texts say that unclassified cookies pass ------------------

demo_config('^\s*privacy_unclassified strip;' => '    privacy_unclassified keep;');
$t->start;

check_unclassified('keep');

$r = $t->get('/product.html');
@names = map { /^([^=]+)=/ ? $1 : () } set_cookies($r);
ok(grep({ $_ eq 'recently_viewed' } @names),
    'keep: recently_viewed reaches the browser, as the texts now say');
like($t->get('/debug/cookies', { Cookie => 'session=1; foo=2' })->{content},
    qr/^Cookie: session=1; foo=2\n/m,
    'keep: an unclassified cookie reaches the backend, as the texts say');

done_testing;
