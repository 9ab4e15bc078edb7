#!/usr/bin/perl

# Issue 24.4 and 15.10: several sites on one nginx.  privacy_policy,
# privacy_policy_version, privacy_retention and privacy_secret_file per
# server (inherited from http); a new version on one site asks only that
# site's visitors again; receipts name their site; and a consent cookie
# made by one server block is not accepted by another that shares the
# secret and the version.

use strict;
use utf8;
use warnings;

use FindBin;
use lib "$FindBin::Bin/lib";

use JSON::PP;
use Test::More;
use PrivacyTest;

my $t = PrivacyTest->new;

my $EXAMPLE = "$PrivacyTest::REPO/docs/examples/policy.json";
my $json = JSON::PP->new->utf8->canonical;

# the example policy under another controller's name
sub policy_of {
    my ($file, $name) = @_;
    open my $fh, '<:raw', $EXAMPLE or die "$EXAMPLE: $!";
    my $doc = $json->decode(do { local $/; <$fh> });
    $doc->{controller}{name} = { sv => $name, en => $name };
    return $t->write_file($file, $json->encode($doc));
}

my $policy_a = policy_of('policy-a.json', 'Butik A AB');
my $policy_b = policy_of('policy-b.json', 'Butik B AB');

my $secret_b = $t->write_file('secret-b', 'b' x 48);
chmod 0600, $secret_b;

my %RETENTION = (customer => '24M', supplier => '24M', club => '24M',
    newsletter => '24M', chat => '90d', cctv => '30d', bookkeeping => '7y',
    analytics => '13M', consent => '24M', requests => '36M', audit => '36M');

sub retention {
    my (%over) = @_;
    my %r = (%RETENTION, %over);
    return join '', map { "        privacy_retention $_ $r{$_};\n" }
        sort keys %r;
}

my $HTTP_RETENTION = retention();
my $B_RETENTION = retention(customer => '36M');

sub conf {
    my ($version_a) = @_;
    return <<"EOF";
    privacy_secret_file %%SECRET%%;
    privacy_db %%DB%%;
    privacy_policy $policy_a;
    privacy_policy_version "h1";
    privacy_cookie statistics '^_ga\$';
$HTTP_RETENTION

    # shop-a: its own version, the http level's policy and secret
    server {
        listen 127.0.0.1:%%PORT%%;
        server_name shop-a;
        privacy on;
        privacy_policy_version "$version_a";
        location /privacy/ { privacy_portal; }
        location /vars { return 200 "decided=[\$privacy_decided]\\n"; }
    }

    # shop-b: its own controller, policy, version, retention and secret
    server {
        listen 127.0.0.1:%%PORT%%;
        server_name shop-b;
        privacy on;
        privacy_secret_file $secret_b;
        privacy_policy $policy_b;
        privacy_policy_version "b1";
$B_RETENTION
        location /privacy/ { privacy_portal; }
        location /vars { return 200 "decided=[\$privacy_decided]\\n"; }
    }

    # shop-c and shop-d: everything inherited; only the names differ
    server {
        listen 127.0.0.1:%%PORT%%;
        server_name shop-c;
        privacy on;
        location /privacy/ { privacy_portal; }
        location /vars { return 200 "decided=[\$privacy_decided]\\n"; }
    }

    server {
        listen 127.0.0.1:%%PORT%%;
        server_name shop-d;
        privacy on;
        location /privacy/ { privacy_portal; }
        location /vars { return 200 "decided=[\$privacy_decided]\\n"; }
    }
EOF
}

$t->config(conf('a1'));
$t->start;

sub consent {
    my ($host) = @_;
    my $r = $t->request('POST', '/privacy/consent', { host => $host,
        headers => { 'Content-Type' => 'application/x-www-form-urlencoded' },
        content => 'action=accept_all' });
    is($r->{status}, 303, "$host: a choice is saved");
    my ($c) = grep { /^privacy_consent=/ } PrivacyTest::set_cookies($r);
    $c //= '';
    $c =~ s/;.*//;
    return $c;
}

sub decided {
    my ($host, $cookie) = @_;
    my $r = $t->request('GET', '/vars', { host => $host,
        headers => { Cookie => $cookie } });
    my ($d) = $r->{content} =~ /decided=\[(\d)\]/;
    return $d // 'none';
}

sub page {
    my ($host, $path) = @_;
    return $t->request('GET', $path, { host => $host,
        headers => { 'Accept-Language' => 'en' } })->{content};
}

# --- each site its own policy --------------------------------------------------

like(page('shop-a', '/privacy/policy'), qr/Butik A AB/,
    'shop-a shows its controller');
unlike(page('shop-a', '/privacy/policy'), qr/Butik B AB/, 'only its own');
like(page('shop-b', '/privacy/policy'), qr/Butik B AB/,
    'shop-b shows its own controller');
like(page('shop-c', '/privacy/policy'), qr/Butik A AB/,
    'shop-c inherits the http level policy');

my $json_a = decode_json(page('shop-a', '/privacy/policy.json'));
my $json_b = decode_json(page('shop-b', '/privacy/policy.json'));
is($json_a->{version}, 'a1', 'shop-a: its version in policy.json');
is($json_b->{version}, 'b1', 'shop-b: its version in policy.json');
sub period {
    my ($doc, $category) = @_;
    my ($rt) = grep { $_->{category} eq $category } @{ $doc->{retention} };
    return $rt ? $rt->{period} : undef;
}
is(period($json_a, 'customer'), '24M', 'shop-a: the http level retention');
is(period($json_b, 'customer'), '36M', 'shop-b: its own retention');

# --- consent per site ----------------------------------------------------------

my $a = consent('shop-a');
my $b = consent('shop-b');
my $c = consent('shop-c');

is(decided('shop-a', $a), 1, 'shop-a: its visitor has decided');
is(decided('shop-b', $b), 1, 'shop-b: its visitor has decided');
is(decided('shop-c', $c), 1, 'shop-c: its visitor has decided');

# 15.10: same secret, same version, another server block
is(decided('shop-d', $c), 0,
    "shop-c's consent cookie is not shop-d's (same secret and version)");
is(decided('shop-b', $a), 0, "shop-a's cookie is not shop-b's");

# receipts name the site
{
    ok($t->wait_for(sub {
        $t->sqlite('SELECT count(*) AS n FROM consent_receipts')->[0]{n} >= 3
    }), 'the receipts are written');
    my $rows = $t->sqlite('SELECT site, policy_version AS v'
                          . ' FROM consent_receipts ORDER BY id');
    is_deeply($rows, [{ site => 'shop-a', v => 'a1' },
                      { site => 'shop-b', v => 'b1' },
                      { site => 'shop-c', v => 'h1' }],
        'each receipt names its site and version');
}

# --- a new version on shop-a asks only shop-a's visitors -----------------------

$t->config(conf('a2'));
ok($t->reload, 'reload with a new version on shop-a') or diag($t->reload_error);

is(decided('shop-a', $a), 0, 'shop-a: its visitor is asked again');
is(decided('shop-b', $b), 1, 'shop-b: its visitor is left alone');
is(decided('shop-c', $c), 1, 'shop-c: its visitor is left alone');

done_testing;
undef $t;
