package AnalyticsShop;

# The shop whose page views the analytics tests count
# (t/21-analytics-overflow.t, t/41-sites-operator.t, t/51-analytics-*.t;
# docs/operator-guide.md): a server shop.example with "privacy on" and
# privacy_analytics on, whose every page is a small HTML page, and the
# secret and register it needs.
#
#   use AnalyticsShop;
#   $t->config(AnalyticsShop::config(http => 'privacy_analytics_bots f;'));
#   $t->request('GET', '/p', { host => $AnalyticsShop::HOST });

use strict;
use warnings;

our $HOST = 'shop.example';

# The http block. Options:
#   http      => '...'   lines for the http block (before the server)
#   locations => '...'   more locations for the server
#   body      => '...'   the page every other path answers (an nginx
#                        string; default <html><body>page</body></html>
#                        and a newline)
sub config {
    my (%o) = @_;
    my $http = $o{http} // '';
    my $more = $o{locations} // '';
    my $body = $o{body} // '<html><body>page</body></html>\n';
    return <<"EOF";
    privacy_secret_file %%SECRET%%;
    privacy_db %%DB%%;
$http
    server {
        listen 127.0.0.1:%%PORT%%;
        server_name $HOST;

        privacy on;
        privacy_analytics on;
        default_type text/html;

        location / {
            return 200 "$body";
        }
$more    }
EOF
}

1;
