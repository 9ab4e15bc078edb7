#!/usr/bin/perl

# The bar of issue #2, consent enforcement, as one test: a browser (a small
# cookie jar) against a backend that sets _ga, _fbp and session.  Without a
# decision it never receives _ga/_fbp and the backend never sees them;
# after accept_all it does; after reject_all the response expires them.

use strict;
use warnings;

use FindBin;
use lib "$FindBin::Bin/lib";

use Test::More;
use PrivacyTest;

my $t = PrivacyTest->new;

$t->config(<<'EOF');
    privacy_secret_file %%SECRET%%;
    privacy_db %%DB%%;
    privacy_cookie statistics '^_ga';
    privacy_cookie marketing '^_fbp$';
    privacy_cookie necessary '^session$';

    %%BACKEND%%

    server {
        listen 127.0.0.1:%%PORT%%;
        privacy on;

        location / {
            proxy_pass http://127.0.0.1:%%BACKEND_PORT%%;
        }

        location /privacy/ {
            privacy_portal;
        }
    }
EOF

$t->start;

subtest 'issue #2: no tracking cookies without consent, all with it, '
    . 'gone after rejection' => sub {

    my %jar;

    # --- no decision ---------------------------------------------------------

    for my $page ('/', '/html', '/') {
        my $r = browse($page, \%jar);
        is($r->{status}, 200, "undecided: GET $page");
        is_deeply([sort keys %jar], ['session'],
            "undecided: after GET $page the browser holds only session");
        next if $page eq '/html';    # the shop's page: no echo
        is_deeply([grep { /^(?:_ga|_fbp)$/ } upstream_names($r)], [],
            "undecided: the backend never sees _ga/_fbp ($page)");
    }

    # cookies left over from before the module: not passed on, expired
    @jar{qw(_ga _fbp)} = ('GA1.1.old', 'fb.1.old');
    my $r = browse('/', \%jar);
    like($r->{content}, qr/^cookie=\[session=[^;\]]+\]$/m,
        'undecided: old _ga/_fbp are not passed to the backend');
    is_deeply([sort keys %jar], ['session'],
        'undecided: and the response makes the browser drop them');

    # --- accept_all --------------------------------------------------------

    $r = browse('/privacy/consent', \%jar);
    is($r->{status}, 200, 'the consent page');
    $r = browse('/privacy/consent', \%jar, [action => 'accept_all', return => '/']);
    is($r->{status}, 303, 'accept_all: 303');
    ok(exists $jar{privacy_consent}, 'accept_all: the consent cookie is set');

    $r = browse('/', \%jar);
    is_deeply([sort keys %jar], [qw(_fbp _ga privacy_consent session)],
        'accepted: the backend sets _ga and _fbp');
    $r = browse('/', \%jar);
    like($r->{content}, qr/\b_ga=GA1\.1\./, 'accepted: the backend sees _ga');
    like($r->{content}, qr/\b_fbp=fb\.1\./, 'accepted: the backend sees _fbp');

    # --- reject_all ------------------------------------------------------------

    $r = browse('/privacy/consent', \%jar, [action => 'reject_all', return => '/']);
    is($r->{status}, 303, 'reject_all: 303');
    is_deeply([sort keys %jar], [qw(privacy_consent session)],
        'rejected: the very response expires _ga and _fbp');

    $r = browse('/', \%jar);
    is_deeply([upstream_names($r)], [qw(privacy_consent session)],
        'rejected: the backend no longer sees them');
    is_deeply([sort keys %jar], [qw(privacy_consent session)],
        'rejected: and does not get to set them again');
};

done_testing;

# The names of the cookies the backend received, from its echo of the
# Cookie header.  By name, not by searching the text: the consent cookie's
# value is base64url, and one in a few thousand holds "_ga".
sub upstream_names {
    my ($r) = @_;
    my ($cookie) = $r->{content} =~ /^cookie=\[(.*)\]$/m;
    return () unless defined $cookie && length $cookie;
    return sort map { (split /=/, $_, 2)[0] } split /;\s*/, $cookie;
}

# A request with the jar's cookies; the jar then takes the response's
# Set-Cookie headers as a browser would (for 127.0.0.1: no Domain).
sub browse {
    my ($path, $jar, $form) = @_;
    my %h;
    $h{Cookie} = join '; ', map { "$_=$jar->{$_}" } sort keys %$jar if %$jar;
    my $r = $form ? $t->post($path, $form, \%h) : $t->get($path, \%h);

    for my $sc (set_cookies($r)) {
        my ($pair, @attr) = split /;\s*/, $sc;
        my ($name, $value) = split /=/, $pair, 2;
        my %a = map { my ($k, $v) = split /=/, $_, 2; (lc $k => $v // '') } @attr;
        next if exists $a{domain} && $a{domain} ne '127.0.0.1';
        my $gone = (exists $a{'max-age'} && $a{'max-age'} <= 0)
            || (!exists $a{'max-age'} && exists $a{expires}
                && $a{expires} =~ /1970/);
        if ($gone) {
            delete $jar->{$name};
        } else {
            $jar->{$name} = $value;
        }
    }
    return $r;
}
undef $t;
