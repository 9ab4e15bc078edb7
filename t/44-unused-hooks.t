#!/usr/bin/perl

# The module registers its LOG handler (page views), the banner's filters
# and the error log's POST_READ handler only when some part of the
# configuration uses them (docs/performance.md).  A part used only deep
# inside the configuration, a nested location or one server of several,
# must still work: a page view there is counted, the banner shown there,
# and nothing happens anywhere else.  And a configuration that uses none
# of them still enforces consent as before.

use strict;
use warnings;

use FindBin;
use lib "$FindBin::Bin/lib";

use Test::More;
use PrivacyTest;

my $BEGIN = '<!-- ngx_privacy_module banner -->';
my $UA = 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 '
    . 'Firefox/128.0 PrivacyTestBrowser/44';

my $t = PrivacyTest->new;

for my $d (qw(count/deep banner plain)) {
    $t->write_file("www/$d/page.html", "<html><body>$d</body></html>\n");
}

$t->config(<<'EOF');
    include /etc/nginx/mime.types;
    privacy_secret_file %%SECRET%%;
    privacy_db %%DB%%;
    privacy_cookie marketing '^_fbp$';

    server {
        listen 127.0.0.1:%%PORT%%;
        server_name shop.example;
        root %%DIR%%/www;
        privacy on;

        location / {
            location /count/ {
                location /count/deep/ {
                    privacy_analytics on;
                }
            }
        }

        location /banner/ {
            privacy_banner on;
        }

        location /privacy/ {
            privacy_portal;
        }
    }
EOF
$t->start;

sub page {
    my ($n, $path, %h) = @_;
    return $n->request('GET', $path, { host => 'shop.example',
        headers => { 'User-Agent' => $UA, %h } });
}

my $r = page($t, '/count/deep/page.html');
is($r->{status}, 200, 'the counted page is served');
unlike($r->{content}, qr/\Q$BEGIN\E/, 'no banner outside its location');

$r = page($t, '/plain/page.html');
is($r->{status}, 200, 'an uncounted page is served');

$r = page($t, '/banner/page.html');
like($r->{content}, qr/\Q$BEGIN\E/,
    'the banner in the one location that shows it');

$r = page($t, '/plain/page.html', Cookie => '_fbp=fb.1.2');
is($r->{status}, 200, 'a denied cookie: served');
like(join("\n", PrivacyTest::set_cookies($r)), qr/^_fbp=; Max-Age=0/m,
    'and expired, as everywhere');

$t->stop;

my $rows = $t->sqlite('SELECT path, sum(views) AS n FROM analytics_events'
                      . ' GROUP BY path ORDER BY path');
is_deeply($rows, [ { path => '/count/deep/page.html', n => 1 } ],
    'the page view of the nested location, and only it, is counted');

# --- none of them used anywhere: enforcement as before ----------------------

my $u = PrivacyTest->new;

$u->write_file('www/page.html', "<html><body>page</body></html>\n");

$u->config(<<'EOF');
    include /etc/nginx/mime.types;
    privacy_secret_file %%SECRET%%;
    privacy_cookie marketing '^_fbp$';

    server {
        listen 127.0.0.1:%%PORT%%;
        server_name shop.example;
        root %%DIR%%/www;
        privacy on;

        location /echo/ {
            return 200 "cookie=[$http_cookie] stripped=[$privacy_stripped]\n";
        }
    }
EOF
$u->start;

$r = page($u, '/echo/', Cookie => '_fbp=fb.1.2; session=1');
is($r->{content}, "cookie=[session=1] stripped=[_fbp]\n",
    'no analytics, banner or scrub: the denied cookie is still stripped');

$r = page($u, '/page.html');
is($r->{content}, "<html><body>page</body></html>\n",
    'and a page is served as it is');

$u->stop;

done_testing();
