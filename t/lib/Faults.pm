package Faults;

# What the fault tests (t/17-storage-failure.t, t/23-sweep-busy.t,
# t/70-fault-*.t; docs/security.md, "Faults") share: the shop in front
# of the harness's backend, the register counts they compare with what
# was acknowledged, the check that a response had its tracking cookies
# stripped both ways, clients that load nginx from child processes, and
# another process that holds the register locked.
#
#   use Faults qw(front_config count stripped);
#   $t->config(front_config(analytics => '*'));
#   ok(stripped($t->get('/p', { Cookie => $Faults::COOKIE })), '...');
#   is(count($t, 'analytics_events'), $views, '...');

use strict;
use warnings;

use Exporter 'import';
use POSIX ();
use Test::More;
use PrivacyTest;

our @EXPORT_OK = qw(front_config count count_sql stripped pages_ok
                    hold_lock client clients_stop);

# the Cookie header of a visitor with a tracking and a necessary cookie
our $COOKIE = '_ga=GA1.2; session=s1';

# The http block of the shop: a statistics cookie (^_ga) and a necessary
# one (^session$), the backend, and a server "front" with "privacy on"
# that proxies / to the backend and has the portal at /privacy/.
# Options:
#   db        => '%%DIR%%/vol/privacy.db'   privacy_db (default %%DB%%)
#   analytics => 1 or '*'   privacy_analytics on in location / (with '*':
#                           privacy_analytics_types * too)
#   portal    => 0          no /privacy/ location
#   http      => '...'      more lines for the http block
#   locations => '...'      more locations for the server "front"
sub front_config {
    my (%o) = @_;
    my $db = $o{db} // '%%DB%%';
    my $http = $o{http} // '';
    my $analytics = !$o{analytics} ? ''
        : "            privacy_analytics on;\n"
          . ($o{analytics} eq '*'
             ? "            privacy_analytics_types *;\n" : '');
    my $portal = ($o{portal} // 1) ? <<'EOF' : '';

        location /privacy/ {
            privacy_portal;
        }
EOF
    my $more = $o{locations} // '';
    return <<"EOF";
    privacy_secret_file %%SECRET%%;
    privacy_db $db;
    privacy_cookie statistics '^_ga';
    privacy_cookie necessary '^session\$';
$http
    %%BACKEND%%

    server {
        listen 127.0.0.1:%%PORT%%;
        server_name front;
        privacy on;

        location / {
${analytics}            proxy_pass http://127.0.0.1:%%BACKEND_PORT%%;
        }
$more$portal    }
EOF
}

# The query count() runs for TABLE: page views are rows that each count
# the identical views of a second, so their views are summed; any other
# table counts its rows.
sub count_sql {
    my ($table) = @_;
    my $what = $table eq 'analytics_events' ? 'coalesce(sum(views), 0)'
                                            : 'count(*)';
    return "SELECT $what AS n FROM $table";
}

# What TABLE of the register holds (count_sql), or -1 while the register
# cannot be read (not yet created, locked beyond the busy timeout).
sub count {
    my ($t, $table) = @_;
    my $n = eval { $t->sqlite(count_sql($table))->[0]{n} };
    return $n // -1;
}

# True when the response to a request with $COOKIE shows the tracking
# cookie stripped both ways: the backend got the necessary cookie only
# (its body echoes the Cookie header) and the response sets no _ga.
sub stripped {
    my ($r) = @_;
    return $r->{content} =~ /^cookie=\[session=s1\]$/m
        && !grep { /^_ga=GA/ } set_cookies($r);
}

# Two tests: ten pages (/p/1 .. /p/10) all served, all with the
# tracking cookies stripped; WHAT names the moment in the test names.
sub pages_ok {
    my ($t, $what) = @_;
    my ($served, $stripped) = (0, 0);
    for my $i (1 .. 10) {
        my $r = $t->get("/p/$i", { Cookie => $COOKIE });
        next unless $r->{status} == 200;
        $served++;
        $stripped++ if stripped($r);
    }
    is($served, 10, "$what: every page served");
    is($stripped, 10, "$what: tracking cookies stripped both ways");
}

# Another process holds the register: a child opens it, runs BEGIN MODE
# (EXCLUSIVE, IMMEDIATE), then each of the SQL statements (a string, or
# [sql, bind values...]), says so on a pipe, keeps the transaction SECONDS
# and commits. Returns the child's pid (for waitpid; it exits 0 when all
# went well) and the line it said ("locked\n"), read once the lock is held.
sub hold_lock {
    my ($t, $mode, $seconds, @sql) = @_;
    require DBI;
    pipe my $rd, my $wr or die "pipe: $!";
    my $child = fork // die "fork: $!";
    if ($child == 0) {
        close $rd;
        my $dbh = DBI->connect('dbi:SQLite:dbname=' . $t->db, '', '',
                               { RaiseError => 1, AutoCommit => 1 });
        $dbh->sqlite_busy_timeout(10000);
        $dbh->do("BEGIN $mode");
        for (@sql) {
            my ($s, @bind) = ref $_ ? @$_ : ($_);
            $dbh->do($s, undef, @bind);
        }
        syswrite $wr, "locked\n";
        sleep $seconds;
        $dbh->do('COMMIT');
        $dbh->disconnect;
        POSIX::_exit(0);
    }
    close $wr;
    my $line = <$rd>;
    return ($child, $line);
}

# A client in a child process: until clients_stop(), it requests pages
# PREFIX<i> with $COOKIE and every tenth time decides on consent
# (accept_all). Returns the child's pid. It tallies pages served (views),
# pages not served (failed), pages served with a tracking cookie left
# (unstripped), decisions answered 303 (receipts) and decisions not
# answered so (consent_failed).
sub client {
    my ($t, $id, $prefix) = @_;
    my $pid = fork // die "fork: $!";
    return $pid if $pid;
    my $stop = $t->dir . '/stop';
    my %n = (views => 0, failed => 0, unstripped => 0, receipts => 0,
             consent_failed => 0);
    my $i = 0;
    until (-e $stop) {
        $i++;
        if ($i % 10 == 0) {
            my $r = $t->post('/privacy/consent', [action => 'accept_all']);
            $r->{status} == 303 ? $n{receipts}++ : $n{consent_failed}++;
            next;
        }
        my $r = $t->get("$prefix$i", { Cookie => $COOKIE });
        if ($r->{status} != 200) { $n{failed}++; next; }
        $n{views}++;
        $n{unstripped}++ unless stripped($r);
    }
    $t->write_file("tally.$id", join '', map { "$_ $n{$_}\n" } sort keys %n);
    POSIX::_exit(0);
}

# Stops the clients (pids as client() returned them, ids 1 .. N in that
# order), waits for them and returns their tallies summed, as a hash.
sub clients_stop {
    my ($t, @pids) = @_;
    $t->write_file('stop', '');
    waitpid $_, 0 for @pids;
    my %n;
    for my $id (1 .. @pids) {
        for (split /\n/, PrivacyTest::_slurp($t->dir . "/tally.$id")) {
            my ($k, $v) = split;
            $n{$k} += $v;
        }
    }
    return %n;
}

1;
