#!/usr/bin/perl

# Issue #15, item 5: a cookie goes when any name a common backend could
# read in it is denied: "_ga" without '=', a percent-encoded "%5Fga", the
# "_ga" after a ',' ("session=1, _ga=2"), PHP's "_ga" for ".ga".  Kept
# cookies reach the upstream byte for byte as sent and in order, quoted
# values holding ';' included.

use strict;
use warnings;

use FindBin;
use lib "$FindBin::Bin/lib";

use Test::More;
use PrivacyTest;
use EchoUpstream;

my $t = PrivacyTest->new;
my $echo = EchoUpstream->start($t->port(2));

$t->config(<<'EOF2');
    privacy_secret_file %%SECRET%%;
    privacy_cookie statistics '^_ga';
    privacy_cookie necessary '^session$';

    server {
        listen 127.0.0.1:%%PORT%%;
        server_name front;
        privacy on;

        location / {
            proxy_pass http://127.0.0.1:%%PORT_2%%;
        }
    }
EOF2

$t->start;

for my $case (
    [ '_ga; session=1',              'session=1',  'a pair without "="' ],
    [ 'session=1; _ga',              'session=1',  'a pair without "=" last' ],
    [ '%5Fga=GA1; session=1',        'session=1',  'a percent-encoded name' ],
    [ '%5fga=GA1; session=1',        'session=1',  'lower-case escapes' ],
    [ '.ga=GA1; session=1',          'session=1',  'PHP reads ".ga" as "_ga"' ],
    [ 'session=1, _ga=GA1; x=2',     'x=2',        'a "," inside a pair' ],
    [ 'x=2; a,_ga=GA1',              'x=2',        'a "," inside a name' ],
    [ 'session=1, lang=en; x=2',     'session=1, lang=en; x=2',
      'a "," before an unclassified name keeps the cookie' ],
    [ 'v=a.b.c%20d; x=2',            'v=a.b.c%20d; x=2',
      'dots and escapes in values are not names' ],
) {
    my ($cookie, $want, $what) = @$case;
    my ($got) = seen($t, $cookie);
    is($got, $want, "$what: '$cookie' reaches the upstream as '$want'");
}

{
    # byte for byte, in order, after a cookie was taken out
    my ($got) = seen($t, 'x="a;b"; _ga=1; y="c;d"; z=1;w=2');
    is($got, 'x="a;b"; y="c;d"; z=1;w=2',
        'quoted values and separators of kept cookies are not re-spelled');
}

{
    # a percent-encoded tracker is expired under its own name
    my ($got, $r) = seen($t, '%5Fga=GA1; session=1');
    ok((grep { /^%5Fga=; Max-Age=0/ } set_cookies($r)),
        'the browser is told to drop "%5Fga"');
    like($r->{headers}{vary} // '', qr/\bCookie\b/, 'Vary: Cookie');
}

$echo->stop;

done_testing;

# the instance is passed in: a named sub closing over $t would keep it
# alive into global destruction
sub seen {
    my ($tt, $cookie) = @_;
    my $r = $tt->get('/', { Cookie => $cookie });
    my @c = $r->{content} =~ /^cookie: ?(.*?)\r?$/mgi;
    return (join(' | ', @c), $r);
}
