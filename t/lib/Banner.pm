package Banner;

# What the banner tests (t/30-banner.t, t/31-banner-*.t, t/44-*.t;
# docs/banner.md) look for in a page: the comments the module puts
# around the banner it injects, the banner cut out of a page, and a GET
# of a page as a browser of one host sends it.
#
#   use Banner;
#   my $r = Banner::page($t, '/html', { Cookie => $c }, 'shop.example');
#   ok(Banner::has_banner($r), '...');
#   my ($banner, $rest) = Banner::banner($r->{content});

use strict;
use warnings;

# the comments before and after the injected banner
our $BEGIN = '<!-- ngx_privacy_module banner -->';
our $END = '<!-- /ngx_privacy_module banner -->';

# GET PATH with HEADERS (a hash reference), to the virtual host HOST
# when given
sub page {
    my ($t, $path, $headers, $host) = @_;
    return $t->request('GET', $path, { headers => $headers || {},
        defined $host ? (host => $host) : () });
}

# (the banner's markup, the page without it), or () when HTML has none
sub banner {
    my ($html) = @_;
    return () unless defined $html
        && $html =~ /^(.*?)(\Q$BEGIN\E.*?\Q$END\E)(.*)$/s;
    return ($2, "$1$3");
}

# true when the response is a 200 with the banner in it
sub has_banner {
    my ($r) = @_;
    return $r->{status} == 200 && index($r->{content}, $BEGIN) >= 0;
}

1;
