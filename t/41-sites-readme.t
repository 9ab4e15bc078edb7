#!/usr/bin/perl

# Issue 24.6: the README's quick start, copied as written, passes
# "nginx -t" with the example policy and answers with the banner.  Only
# the paths the test cannot use (the port, the secret, the database, the
# policy, the backend's address) are replaced.

use strict;
use warnings;

use FindBin;
use lib "$FindBin::Bin/lib";

use Test::More;
use PrivacyTest;

my $README = "$PrivacyTest::REPO/README.md";
my $POLICY = "$PrivacyTest::REPO/docs/examples/policy.json";

open my $fh, '<', $README or die "$README: $!";
my $readme = do { local $/; <$fh> };
close $fh;

my ($block) = $readme =~ /^```nginx\n(.*?)^```/ms;
ok(defined $block, 'the README has an nginx block') or BAIL_OUT('no block');

like($block, qr/^load_module /m, 'the block loads the module');
like($block, qr/^events /m, 'the block has an events section');

# the http block's body: what the harness wraps in its own http { }
my ($body) = $block =~ /^http \{\n(.*)^\}\s*\z/ms;
ok(defined $body, 'the block has one http block') or BAIL_OUT('no http');

my %swap = (
    '/etc/nginx/privacy.secret'          => '%%SECRET%%',
    '/var/lib/nginx/privacy/privacy.db'  => '%%DB%%',
    '/etc/nginx/privacy/policy.json'     => $POLICY,
    'listen 80;'                         => 'listen 127.0.0.1:%%PORT%%;',
    'server 127.0.0.1:8080;'             => 'server 127.0.0.1:%%BACKEND_PORT%%;',
);

for my $from (sort keys %swap) {
    my $n = () = $body =~ /\Q$from\E/g;
    is($n, 1, "the README names $from once");
    $body =~ s/\Q$from\E/$swap{$from}/;
}

my $t = PrivacyTest->new;
$t->config($body . "\n    %%BACKEND%%\n");

my ($ok, $out) = $t->test_config;
ok($ok, 'the quick start passes nginx -t as written') or diag($out);

$t->start;

my $UA = 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 '
    . 'Firefox/128.0';

my $r = $t->get('/html', { 'User-Agent' => $UA });
is($r->{status}, 200, 'the shop answers through the quick start');
like($r->{content}, qr/<h1>shop<\/h1>/, 'the backend page');
like($r->{content}, qr/action="\/privacy\/consent"/,
    'the banner posts to the portal of the quick start');

$r = $t->get('/privacy/policy', { 'User-Agent' => $UA });
is($r->{status}, 200, 'the policy page of the example policy');

done_testing;
undef $t;
