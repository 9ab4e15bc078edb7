#!/usr/bin/perl

# A visitor who repeats a request: the worker adds the repeat to the page
# view it queued last, without scrubbing, deriving the pseudonym or
# hashing it again (docs/architecture.md, "The write path").  Whatever
# differs must still be its own view: another page, status, query (search
# term), referrer, consent id, a visitor without statistics consent, or,
# for a visitor counted by pseudonym, another User-Agent.
# The totals per (path, status, referrer, term, visitor) are the same
# whichever seconds the requests fall into.  One worker.

use strict;
use warnings;

use FindBin;
use lib "$FindBin::Bin/lib";

use Test::More;
use PrivacyTest;

my $HOST = 'shop.example';
my $UA = 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 '
    . 'Firefox/128.0 PrivacyTestBrowser/45';
my $UA2 = 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 '
    . 'Firefox/128.0 PrivacyTestBrowser/46';

my $t = PrivacyTest->new;

$t->write_file("www/$_.html", "<html><body>$_</body></html>\n")
    for qw(a b);

$t->config(<<'EOF');
    include /etc/nginx/mime.types;
    privacy_secret_file %%SECRET%%;
    privacy_db %%DB%%;

    server {
        listen 127.0.0.1:%%PORT%%;
        server_name shop.example;
        root %%DIR%%/www;
        privacy on;
        privacy_analytics on;

        location /privacy/ {
            privacy_analytics off;
            privacy_portal;
        }
    }
EOF
$t->start;

sub page {
    my ($path, %h) = @_;
    return $t->request('GET', $path, { host => $HOST,
        headers => { 'User-Agent' => $UA, %h } });
}

sub consent {
    my ($form) = @_;
    my $r = $t->request('POST', '/privacy/consent', {
        host    => $HOST,
        headers => { 'User-Agent' => $UA,
                     'Content-Type' => 'application/x-www-form-urlencoded' },
        content => PrivacyTest::form_urlencode($form),
    });
    my ($c) = grep { /^privacy_consent=/ } PrivacyTest::set_cookies($r);
    $c =~ s/;.*// if defined $c;
    return $c;
}

my $one = consent([ action => 'save', category => 'statistics' ]);
my $two = consent([ action => 'save', category => 'statistics' ]);
my $none = consent([ action => 'save', category => 'preferences' ]);
ok($one && $two && $none, 'three consent cookies');
isnt($one, $two, 'two consent ids');

my @plan = (
    [ '/a.html', Cookie => $one ],
    [ '/a.html', Cookie => $one ],
    [ '/a.html?q=boots', Cookie => $one ],
    [ '/a.html', Cookie => $one ],
    [ '/a.html', Cookie => $one, Referer => 'https://search.example/x' ],
    [ '/a.html', Cookie => $one ],
    [ '/b.html', Cookie => $one ],
    [ '/a.html', Cookie => $one ],
    [ '/missing.html', Cookie => $one ],
    [ '/a.html', Cookie => $two ],
    [ '/a.html', Cookie => $one ],
    [ '/a.html', Cookie => $none ],
    [ '/a.html', Cookie => $none ],
    [ '/a.html', Cookie => $one ],
    [ '/a.html' ],
    [ '/a.html' ],
    [ '/a.html', 'User-Agent' => $UA2 ],
    [ '/a.html' ],
    [ '/b.html' ],
    [ '/a.html' ],
);

# twice over, quickly: repeats meet the queued view in the same second
for my $round (1 .. 2) {
    page(@$_) for @plan;
}

$t->stop;

my $rows = $t->sqlite(
    'SELECT path, status, coalesce(referrer_host, \'\') AS ref,'
    . ' coalesce(search_term, \'\') AS term, identified,'
    . ' sum(views) AS n, count(DISTINCT visitor) AS visitors'
    . ' FROM analytics_events'
    . ' GROUP BY path, status, ref, term, identified, visitor'
    . ' ORDER BY path, status, ref, term, identified, n');

# without statistics consent, the pseudonym is the address's and the
# User-Agent's: $none's views and the cookieless ones with $UA are one
# visitor's
is_deeply($rows, [
    { path => '/a.html', status => 200, ref => '', term => '',
      identified => 0, n => 2, visitors => 1 },
    { path => '/a.html', status => 200, ref => '', term => '',
      identified => 0, n => 12, visitors => 1 },
    { path => '/a.html', status => 200, ref => '', term => '',
      identified => 1, n => 2, visitors => 1 },
    { path => '/a.html', status => 200, ref => '', term => '',
      identified => 1, n => 14, visitors => 1 },
    { path => '/a.html', status => 200, ref => '', term => 'boots',
      identified => 1, n => 2, visitors => 1 },
    { path => '/a.html', status => 200, ref => 'search.example', term => '',
      identified => 1, n => 2, visitors => 1 },
    { path => '/b.html', status => 200, ref => '', term => '',
      identified => 0, n => 2, visitors => 1 },
    { path => '/b.html', status => 200, ref => '', term => '',
      identified => 1, n => 2, visitors => 1 },
    { path => '/missing.html', status => 404, ref => '', term => '',
      identified => 1, n => 2, visitors => 1 },
], 'each different view counted as its own, each repeat as a view');

# 40 page views and the 3 consent receipts
like($t->error_log,
    qr/privacy_db "[^"]+": 43 records written, 0 dropped by this worker/,
    'the exit log counts every page view');

done_testing();
