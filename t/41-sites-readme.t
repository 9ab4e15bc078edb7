#!/usr/bin/perl

# Issue 24.6: the README's quick start, copied as written, passes
# "nginx -t" with the example policy and shows the banner to a browser
# (Accept-Encoding: gzip, br) behind a backend that compresses whatever
# it may (issue 24.1).  Only the paths the test cannot use (the port, the
# secret, the database, the policy, the backend's address) are replaced.

use strict;
use warnings;

use FindBin;
use lib "$FindBin::Bin/lib";

use IO::Uncompress::Gunzip qw(gunzip $GunzipError);
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

# the shop's backend: gzips every page a client accepts gzip for, sets a
# statistics cookie, and tells what it was asked
my $backend = <<'EOF';

    server {
        listen 127.0.0.1:%%BACKEND_PORT%%;
        gzip on;
        gzip_min_length 0;
        gzip_types text/html;
        gzip_http_version 1.0;      # nginx's proxy speaks HTTP/1.0
        default_type text/html;

        location / {
            add_header Set-Cookie "_ga=GA1.2.3; Path=/; Max-Age=63072000";
            add_header X-Asked-Encoding "[$http_accept_encoding]" always;
            return 200 "<!DOCTYPE html><html><head><title>shop</title></head><body><h1>shop</h1></body></html>";
        }
    }
EOF

my $t = PrivacyTest->new;
$t->config($body . $backend);

my ($ok, $out) = $t->test_config;
ok($ok, 'the quick start passes nginx -t as written') or diag($out);

$t->start;

# what a browser sends for a page
my %BROWSER = (
    'User-Agent' => 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) '
        . 'Gecko/20100101 Firefox/128.0',
    'Accept' => 'text/html,application/xhtml+xml,application/xml;q=0.9,'
        . '*/*;q=0.8',
    'Accept-Encoding' => 'gzip, br',
);

my $r = $t->request('GET', '/shop', { headers => \%BROWSER,
    port => $t->backend_port });
is($r->{headers}{'content-encoding'}, 'gzip',
    'the backend gzips for a browser');

$r = $t->request('GET', '/shop', { headers => \%BROWSER });
is($r->{status}, 200, 'the shop answers through the quick start');
is($r->{headers}{'x-asked-encoding'}, '[identity]',
    'the backend was asked for a plain page');
is($r->{headers}{'content-encoding'}, 'gzip',
    'nginx compresses it towards the browser');

my $html = $r->{content};
if (($r->{headers}{'content-encoding'} // '') eq 'gzip') {
    gunzip(\$r->{content}, \$html) or diag($GunzipError);
}
like($html, qr/<h1>shop<\/h1>/, 'the backend page');
like($html, qr/<body><!-- ngx_privacy_module banner -->/,
    'the banner, right after <body>');
like($html, qr/action="\/privacy\/consent"/,
    'the banner posts to the portal of the quick start');
unlike(join(' ', set_cookies($r)), qr/(?:^|\s)_ga=GA1/,
    'the backend\'s statistics cookie is stripped before a decision');

$r = $t->get('/privacy/policy', { 'User-Agent' => $BROWSER{'User-Agent'} });
is($r->{status}, 200, 'the policy page of the example policy');

done_testing;
undef $t;
