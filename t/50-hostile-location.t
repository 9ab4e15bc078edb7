#!/usr/bin/perl

# Issue #15, item 4: the location that serves the request decides.  After
# "rewrite ... last", try_files or error_page the Cookie headers are judged
# again under the final location's privacy_cookie / privacy_unclassified
# rules before its upstream sees them, and its response expires what those
# rules deny; what an earlier location removed stays removed.

use strict;
use warnings;

use FindBin;
use lib "$FindBin::Bin/lib";

use Test::More;
use PrivacyTest;
use EchoUpstream;

my $t = PrivacyTest->new;
my $echo = EchoUpstream->start($t->port(2));

$t->config(<<'EOF');
    privacy_secret_file %%SECRET%%;
    privacy_cookie statistics '^_ga';
    privacy_cookie necessary '^session$';

    server {
        listen 127.0.0.1:%%PORT%%;
        server_name front;
        privacy on;
        privacy_unclassified keep;

        # lenient first locations, each handing over to a strict one
        location /rw/ {
            rewrite ^/rw/(.*)$ /strict/$1 last;
        }

        location /tf/ {
            root %%DIR%%/none;
            try_files $uri @strict;
        }

        location /ep/ {
            error_page 404 = /strict/from-error-page;
            return 404;
        }

        location /lenient/ {
            proxy_pass http://127.0.0.1:%%PORT_2%%;
        }

        # the strict final locations: unclassified cookies and "mk" go
        location /strict/ {
            privacy_unclassified strip;
            privacy_cookie marketing '^mk$';
            proxy_pass http://127.0.0.1:%%PORT_2%%;
        }

        location @strict {
            privacy_unclassified strip;
            privacy_cookie marketing '^mk$';
            proxy_pass http://127.0.0.1:%%PORT_2%%;
        }

        # a lenient location whose own 404 goes to a strict location that
        # answers by itself (no upstream): the response's rules are the
        # strict location's
        location /ep2/ {
            root %%DIR%%/none;
            error_page 404 = /strict-return/x;
        }

        location /strict-return/ {
            privacy_unclassified strip;
            privacy_cookie marketing '^mk$';
            return 200 "strict\n";
        }

        # strict first, lenient last: what was removed stays removed
        location /s2l/ {
            privacy_unclassified strip;
            rewrite ^/s2l/(.*)$ /lenient/$1 last;
        }
    }
EOF

$t->start;

my $COOKIE = 'session=1; other=2; mk=3; _ga=4';

sub seen {
    my ($r) = @_;
    return [$r->{content} =~ /^cookie: ?(.*?)\r?$/mgi];
}

sub expired {
    my ($r) = @_;
    my %n = map { /^([^=]+)=;.*Max-Age=0/ ? ($1 => 1) : () } set_cookies($r);
    return [sort keys %n];
}

my $r = $t->get('/lenient/x', { Cookie => $COOKIE });
is_deeply(seen($r), ['session=1; other=2; mk=3'],
    'the lenient location keeps the unclassified cookies');

for my $case (['/rw/x', 'rewrite ... last'], ['/tf/x', 'try_files'],
              ['/ep/x', 'error_page'])
{
    my ($path, $what) = @$case;
    $r = $t->get($path, { Cookie => $COOKIE });
    is($r->{status}, 200, "$what: served by the strict location");
    is_deeply(seen($r), ['session=1'],
        "$what: the final location's rules decide what its upstream sees");
    is_deeply(expired($r), [qw(_ga mk other)],
        "$what: and what the response expires");
    like($r->{headers}{vary} // '', qr/\bCookie\b/, "$what: Vary: Cookie");
}

$r = $t->get('/ep2/x', { Cookie => $COOKIE });
is($r->{content}, "strict\n", 'error_page to a location that answers itself');
is_deeply(expired($r), [qw(_ga mk other)],
    'error_page to a location that answers itself: its rules expire');

$r = $t->get('/s2l/x', { Cookie => $COOKIE });
is_deeply(seen($r), ['session=1'],
    'strict, then lenient: cookies removed earlier stay removed');
is_deeply(expired($r), [qw(_ga mk other)],
    'strict, then lenient: and are expired');

$echo->stop;

done_testing;
