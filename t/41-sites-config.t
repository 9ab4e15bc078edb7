#!/usr/bin/perl

# Issues 24.3 and 24.4 at "nginx -t": a server that shows the banner must
# have a portal for it to post to, and the message names the server; the
# per-server privacy_policy, privacy_policy_version, privacy_retention and
# privacy_secret_file are checked like the http level's.

use strict;
use warnings;

use FindBin;
use lib "$FindBin::Bin/lib";

use Test::More;
use PrivacyTest;

my $t = PrivacyTest->new;

sub check {
    my ($body) = @_;
    $t->config($body);
    return $t->test_config;
}

# --- 24.3: a banner without a portal ---------------------------------------------

my $TWO = <<'EOF';
    privacy_secret_file %%SECRET%%;
    privacy_banner on;

    server {
        listen 127.0.0.1:%%PORT%%;
        server_name first.example;
        privacy on;
        location / { return 200 "ok\n"; }
        location /privacy/ { privacy_portal; }
    }

    server {
        listen 127.0.0.1:%%PORT%%;
        server_name second.example;
        privacy on;
        location / { return 200 "ok\n"; }
        %%SECOND%%
    }
EOF

sub two {
    my ($second) = @_;
    (my $c = $TWO) =~ s/%%SECOND%%/$second/;
    return $c;
}

{
    my ($ok, $out) = check(two(''));
    ok(!$ok, 'a second server with the banner and no portal fails nginx -t');
    like($out, qr/\[emerg\] "privacy_banner" is on in the server "second\.example" in \S*nginx\.conf:\d+, which has no "privacy_portal" location/,
        'the message names the server and where it is') or diag($out);
    like($out, qr/location \/privacy\/ \{ privacy_portal; \}/,
        'and says how to add one') or diag($out);

    ($ok, $out) = check(two('location /privacy/ { privacy_portal; }'));
    ok($ok, 'with its own portal it passes') or diag($out);

    ($ok, $out) = check(two('location /rechte/ { privacy_portal; }'));
    ok($ok, 'a portal under another prefix passes too') or diag($out);

    ($ok, $out) = check(two('privacy_banner off;'));
    ok($ok, 'privacy_banner off in that server passes') or diag($out);

    # privacy off turns every part off, the banner too (issue 24.2)
    (my $off = two('')) =~ s/(server_name second\.example;\n\s*)privacy on;/$1privacy off;/
        or die;
    ($ok, $out) = check($off);
    ok($ok, 'a server with privacy off needs no portal') or diag($out);

    # a regex location cannot be the banner's portal
    ($ok, $out) = check(two('location ~ ^/p/ { privacy_portal; }'));
    ok(!$ok, 'a regex portal location does not count') or diag($out);
}

# --- 24.4: the per-server directives -----------------------------------------------

my $EXAMPLE = "$PrivacyTest::REPO/docs/examples/policy.json";
my %RETENTION = (customer => '24M', supplier => '24M', club => '24M',
    newsletter => '24M', chat => '90d', cctv => '30d', bookkeeping => '7y',
    analytics => '13M', consent => '24M', requests => '36M', audit => '36M');

sub retention {
    my (%over) = @_;
    my %r = (%RETENTION, %over);
    delete $r{$_} for grep { !defined $r{$_} } keys %r;
    return join '', map { "        privacy_retention $_ $r{$_};\n" }
        sort keys %r;
}

sub site {
    my ($http, $server) = @_;
    return <<"EOF";
    privacy_secret_file %%SECRET%%;
$http
    server {
        listen 127.0.0.1:%%PORT%%;
        server_name shop.example;
        privacy on;
$server
        location /privacy/ { privacy_portal; }
    }
EOF
}

{
    my ($ok, $out) = check(site(retention(),
        "        privacy_policy $EXAMPLE;\n"
        . "        privacy_policy_version 2026-12;\n"));
    ok($ok, 'privacy_policy and privacy_policy_version in a server')
        or diag($out);

    ($ok, $out) = check(site('', "        privacy_policy $EXAMPLE;\n"
                                 . retention()));
    ok($ok, 'privacy_retention in a server, for its policy') or diag($out);

    # the server's own retention lines replace the inherited ones, and the
    # inherited document is checked against them
    ($ok, $out) = check(site("    privacy_policy $EXAMPLE;\n" . retention(),
                             retention(cctv => undef)));
    ok(!$ok, 'a server whose own retention lacks a category fails');
    like($out, qr/retention category "cctv" has no "privacy_retention"/,
        'naming the category') or diag($out);

    ($ok, $out) = check(site('', '        privacy_retention marketing 1y;'));
    ok(!$ok, 'an unknown retention category in a server fails');

    my $long = 'v' x 65;
    ($ok, $out) = check(site('', "        privacy_policy_version $long;"));
    ok(!$ok, 'a too long version in a server fails');
    like($out, qr/privacy_policy_version "v+" is longer than 64 bytes/,
        'and says so') or diag($out);

    my $short = $t->write_file('short-secret', 'x' x 8);
    chmod 0600, $short;
    ($ok, $out) = check(site('', "        privacy_secret_file $short;"));
    ok(!$ok, 'a short secret in a server fails');
    like($out, qr/holds 8 bytes, at least 32/, 'and says so') or diag($out);

    # a server with its own secret needs none at the http level
    (my $c = site('', "        privacy_secret_file %%SECRET%%;"))
        =~ s/^    privacy_secret_file %%SECRET%%;\n//m or die;
    ($ok, $out) = check($c);
    ok($ok, 'a secret in the server alone is enough') or diag($out);

    ($ok, $out) = check(<<'EOF');
    server {
        listen 127.0.0.1:%%PORT%%;
        privacy on;
    }
EOF
    ok(!$ok, 'privacy on without any secret fails');
    like($out, qr/need "privacy_secret_file" at the http level or in the server/,
        'naming both places') or diag($out);
}

done_testing;
undef $t;
