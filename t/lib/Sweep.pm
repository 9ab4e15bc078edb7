package Sweep;

# What the retention-sweep tests (t/22-retention.t, t/23-sweep-*.t,
# t/24-sweep-register.t, t/25-sweep-audit.t, t/26-sweep-records.t;
# docs/database.md, "Retention") share: the calendar arithmetic that
# gives the expected cutoffs, written here independently of the module;
# the shop whose register they sweep; a DBI connection that writes old
# rows straight into the register while nginx is stopped; and the notice
# lines a sweep logs.
#
#   use Sweep qw(cutoff day_of site_config register sweep_lines);
#   site_config($t, http => 'privacy_retention analytics 24M;');
#   my $cut = cutoff(time, 24);       # the first midnight kept
#   my @lines = sweep_lines($t, $log_size, 1);

use strict;
use warnings;

use Exporter 'import';
use POSIX ();
use Time::Local qw(timegm);

our @EXPORT_OK = qw(add_months cutoff day_of site_config register
                    first_view sweep_lines);

our $HOST = 'shop.example';
my $DAY = 86400;

# The time MONTHS calendar months after TIME (UTC), the day clamped to
# the month's last day: 31 March + 1 month is 30 April.
sub add_months {
    my ($t, $months) = @_;
    my @g = gmtime $t;
    my ($y, $m, $d) = ($g[5] + 1900, $g[4] + $months, $g[3]);
    $y += POSIX::floor($m / 12);
    $m %= 12;
    # the month's last day: the day before the first of the next month
    my $last = (gmtime(timegm(0, 0, 0, 1, ($m + 1) % 12,
                              $y + ($m == 11 ? 1 : 0)) - $DAY))[3];
    $d = $last if $d > $last;
    return timegm($g[0], $g[1], $g[2], $d, $m, $y);
}

# The first midnight whose records are still within MONTHS at NOW: a
# record of day D is kept through D + period and goes at the next
# midnight, UTC.
sub cutoff {
    my ($now, $months) = @_;
    my $day = int($now / $DAY) * $DAY;
    # going back day by day: the first day whose expiry is past now
    while (add_months($day - $DAY, $months) + $DAY > $now) {
        $day -= $DAY;
    }
    return $day;
}

# YYYY-MM-DD of a time, UTC, as the sweep's log lines write days
sub day_of { POSIX::strftime('%Y-%m-%d', gmtime $_[0]) }

# Writes www/index.html and the configuration of the shop $HOST: the
# mime types, the secret and the register, then HTTP (the lines under
# test: privacy_retention ..., privacy_sweep_interval ...) and a server
# with "privacy on" that serves www/. Options:
#   http      => '...'   lines for the http block
#   analytics => 1       privacy_analytics on in the server
#   mime      => 0       without include /etc/nginx/mime.types
sub site_config {
    my ($t, %o) = @_;
    my $mime = ($o{mime} // 1) ? "    include /etc/nginx/mime.types;\n\n"
                               : '';
    my $http = $o{http} // '';
    my $analytics = $o{analytics} ? "        privacy_analytics on;\n" : '';
    $t->write_file('www/index.html', "<html><body>index</body></html>\n");
    $t->config(<<"EOF");
${mime}    privacy_secret_file %%SECRET%%;
    privacy_db %%DB%%;
$http

    server {
        listen 127.0.0.1:%%PORT%%;
        server_name $HOST;
        root %%DIR%%/www;

        privacy on;
$analytics    }
EOF
}

# A DBI connection to the register, one transaction (commit it), for
# rows written straight into it while nginx is stopped
sub register {
    my ($t) = @_;
    require DBI;
    return DBI->connect('dbi:SQLite:dbname=' . $t->db, '', '',
        { RaiseError => 1, AutoCommit => 0, sqlite_busy_timeout => 5000 });
}

# One page view of $HOST, waited for until the register has it: the
# register exists once a worker has written to it. Dies if it never does.
sub first_view {
    my ($t) = @_;
    $t->request('GET', '/index.html', { host => $HOST });
    $t->wait_for(sub {
        $t->sqlite('SELECT count(*) AS n FROM analytics_events')->[0]{n}
    }) or die "the first page view was never written\n";
}

# The "retention sweep" lines logged after FROM bytes of the error log,
# waited for (up to 60 s) until there are N of them; LEVELS, a regex
# alternation, the levels they are logged at (default notice). Returns
# the lines from 'privacy_db "...": retention sweep' on; nginx writes no
# sweep line before the sweep has finished.
sub sweep_lines {
    my ($t, $from, $n, $levels) = @_;
    $levels //= 'notice';
    my $re = qr/\[(?:$levels)\] \d+#\d+: /
        . qr/(privacy_db "[^"]+": retention sweep.*)/;
    my @lines;
    $t->wait_for(sub {
        @lines = substr($t->error_log, $from) =~ /$re/g;
        @lines >= $n;
    }, 60);
    return @lines;
}

1;
