#!/usr/bin/perl

# Issue #14: the first start on a new database, with many workers, is quiet
# and correct. Every worker opens the register in its thread at its first
# timer tick, so eight workers create, switch to WAL and migrate the same
# new file at the same moment: one of them creates the schema, the others
# wait for it. Nothing is logged above notice (before, a worker could log
# "[error] ... cannot configure: database is locked; 0 records kept for
# retry"), user_version counts every migration, the requests made while the
# workers start are all recorded, and the files are the workers' alone
# (mode 0600: the register holds consent receipts).
#
# Repeated on several new databases: who wins the race differs each time.
# The race is rare on a quiet machine, so one more start makes it certain:
# the test holds a write lock on the new, empty file while the workers
# start. Switching to WAL, a worker then holds a shared lock and wants an
# exclusive one while another connection holds a reserved one: SQLite says
# "database is locked" at once, without calling the busy handler, exactly
# what a worker of a first start could meet from another worker.

use strict;
use warnings;

use FindBin;
use lib "$FindBin::Bin/lib";

use DBI;
use DBD::SQLite;
use Test::More;
use PrivacyTest;

my $ROUNDS = 4;
my $WORKERS = 8;
my $REQUESTS = 40;
my $UA = 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 '
    . 'Firefox/128.0 PrivacyTestFirstStart/19';

# the number of migrations the module applies (PRAGMA user_version counts
# them): the entries of ngx_http_privacy_migrations[], each a string
# literal whose last line ends in '",'
sub migrations {
    my $file = "$FindBin::Bin/../ngx_privacy_module/ngx_http_privacy_schema.c";
    open my $fh, '<', $file or die "$file: $!";
    my $src = do { local $/; <$fh> };
    my ($list) = $src =~ /ngx_http_privacy_migrations\[\]\s*=\s*\{(.*?)\n\};/s
        or die "no migrations in $file";
    $list =~ s{/\*.*?\*/}{}gs;
    my $n = () = $list =~ /",\s*$/mg;
    return $n;
}

# the tables and indexes those migrations leave behind, statement after
# statement: a table dropped takes its indexes, a table renamed keeps them
sub schema_objects {
    my $file = "$FindBin::Bin/../ngx_privacy_module/ngx_http_privacy_schema.c";
    open my $fh, '<', $file or die "$file: $!";
    my $src = do { local $/; <$fh> };
    $src =~ s{/\*.*?\*/}{}gs;
    $src =~ s/"\s*"//g;
    my %made;    # name => the table it belongs to (a table: itself)
    while ($src =~ /\b(?:CREATE\s+(?:UNIQUE\s+)?(?:TABLE|INDEX)\s+
                    (?:IF\s+NOT\s+EXISTS\s+)?(\w+)(?:\s+ON\s+(\w+))?
                   |DROP\s+(?:TABLE|INDEX)\s+(?:IF\s+EXISTS\s+)?(\w+)
                   |ALTER\s+TABLE\s+(\w+)\s+RENAME\s+TO\s+(\w+))/gx)
    {
        if (defined $1) {
            $made{$1} = $2 // $1;
        } elsif (defined $3) {
            my $gone = $3;
            delete @made{ grep { $_ eq $gone || $made{$_} eq $gone }
                keys %made };
        } else {
            my ($from, $to) = ($4, $5);
            $made{$_} = $to for grep { $made{$_} eq $from } keys %made;
            delete $made{$from};
            $made{$to} = $to;
        }
    }
    return join ',', sort keys %made;
}

my $VERSION = migrations();
my $OBJECTS = schema_objects();
cmp_ok($VERSION, '>=', 4, "the module has $VERSION migrations");
like($OBJECTS, qr/\bconsent_receipts,.*\banalytics_events\b|\banalytics_events\b.*\bconsent_receipts\b/,
    "schema.c names the tables the module creates");

for my $round (1 .. $ROUNDS + 1) {
    my $held = $round > $ROUNDS;
    my $t = PrivacyTest->new(workers => $WORKERS, error_log_level => 'info');
    $t->config(<<'EOF');
    privacy_secret_file %%SECRET%%;
    privacy_db %%DB%%;
    privacy_cookie necessary '^session$';

    server {
        listen 127.0.0.1:%%PORT%%;
        server_name shop.example;

        privacy on;
        privacy_analytics on;

        location / {
            default_type text/html;
            return 200 "<html><body>shop</body></html>\n";
        }
    }
EOF
    ok(!-e $t->db, "round $round: no database before the start");

    my $lock;
    if ($held) {
        # an empty file, as the first worker to open it leaves it, owned
        # by the workers' user; a reserved lock on it until the requests
        # below are answered (every worker tries to open it at its first
        # timer tick, 1 ms after it starts)
        $lock = DBI->connect('dbi:SQLite:dbname=' . $t->db, '', '',
            { RaiseError => 1, PrintError => 0, AutoCommit => 1 });
        chown $t->{wuid}, $t->{wgid}, $t->db if $t->{wuid};
        chmod 0600, $t->db;
        $lock->do('BEGIN IMMEDIATE');
        note("round $round: the test holds a write lock on the new file");
    }

    $t->start;

    # at once, while the workers open the new register
    my $answered = 0;
    for my $i (1 .. $REQUESTS) {
        my $r = $t->get("/first/$i", { 'User-Agent' => $UA });
        $answered++ if $r->{status} == 200;
    }
    is($answered, $REQUESTS, "round $round: $REQUESTS requests answered");

    if ($held) {
        $lock->do('COMMIT');
        $lock->disconnect;
    }

    # the files while nginx runs: the database, its WAL and shared memory
    my $files = $t->wait_for(sub {
        -e $t->db && -e $t->db . '-wal' && -e $t->db . '-shm'
    });
    ok($files, "round $round: privacy.db, -wal and -shm exist");
    for my $f ('', '-wal', '-shm') {
        my $mode = (stat($t->db . $f))[2];
        is(defined $mode ? sprintf('%04o', $mode & 07777) : 'none', '0600',
            "round $round: privacy.db$f is mode 0600");
    }

    $t->stop;

    my $v = $t->sqlite('PRAGMA user_version')->[0]{user_version};
    is($v, $VERSION, "round $round: user_version is $VERSION");
    my $tables = join ',', map { $_->{name} } @{ $t->sqlite(
        "SELECT name FROM sqlite_master WHERE type IN ('table', 'index')"
        . " AND name NOT LIKE 'sqlite_%' ORDER BY name") };
    is($tables, $OBJECTS, "round $round: every table and index, once");
    my $rows = $t->sqlite("SELECT sum(views) AS n, count(DISTINCT path) AS d"
        . " FROM analytics_events WHERE path LIKE '/first/%'")->[0];
    is($rows->{n}, $REQUESTS, "round $round: every early page view recorded");
    is($rows->{d}, $REQUESTS, "round $round: each once");

    my @loud = grep { /\[(?:warn|error|crit|alert|emerg)\]/ }
        split /\n/, $t->error_log;
    is(scalar @loud, 0, "round $round: nothing above notice in error.log")
        or diag(join "\n", @loud);
}

done_testing;
