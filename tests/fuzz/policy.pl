#!/usr/bin/perl

# Fuzzing the policy document loader (privacy_policy) through the real
# "nginx -t" (make fuzz): the loader checks the document while it builds
# nginx configuration structures, so it is exercised where it runs rather
# than through a harness of its own.
#
# Each round takes a seed document (docs/examples/*.json, the shipped
# example, and tests/fuzz/corpus/policy/*.json) and
# mutates it: mostly in its structure (a value replaced by one of another
# type, an odd string, a huge or negative number, deep nesting; a member
# deleted, renamed or duplicated; an array element repeated), sometimes in
# its bytes (flipped, inserted, cut: invalid JSON and UTF-8). "nginx -t"
# must then either accept the document or refuse it with an [emerg] that
# names privacy_policy; any other end (a signal, a sanitizer report, an
# [alert], a refusal without a message) fails the run and keeps the input
# as tests/bin/crash-policy-N.json.
#
# With the module built with ASan+UBSan (build-asan/, make test-asan),
# that one is used, with the runtimes preloaded as tools/test-asan.sh does.
#
# Usage: tests/fuzz/policy.pl SECONDS [SEED]

use strict;
use warnings;
no warnings qw(recursion);

use Cwd qw(abs_path);
use File::Basename qw(dirname);
use File::Temp qw(tempdir);
use JSON::PP;
use POSIX qw(WIFSIGNALED WTERMSIG);

my $REPO = abs_path(dirname(abs_path($0)) . '/../..');
my $SECONDS = shift // 30;
my $SEED = shift // time;
srand $SEED;

my $NGINX = $ENV{NGINX} // '/usr/sbin/nginx';
my $asan = "$REPO/build-asan/ngx_http_privacy_module.so";
my $MODULE = $ENV{MODULE} // (-f $asan ? $asan
                                       : "$REPO/build/ngx_http_privacy_module.so");
-f $MODULE or die "fuzz-policy: $MODULE missing (make)\n";

my $dir = tempdir('fuzz-policy.XXXXXX', TMPDIR => 1, CLEANUP => 1);
my %env;

if (`nm -D $MODULE` =~ /__asan_init/) {
    my @rt;
    for my $lib (qw(asan ubsan)) {
        chomp(my $so = `gcc -print-file-name=lib$lib.so`);
        push @rt, abs_path($so);
    }
    mkdir "$dir/san";
    %env = (LD_PRELOAD => join(':', @rt),
        ASAN_OPTIONS => "halt_on_error=1:detect_leaks=0:log_path=$dir/san/asan",
        UBSAN_OPTIONS => "halt_on_error=1:print_stacktrace=1:"
            . "log_path=$dir/san/ubsan");
}

# the privacy_retention lines the example policy's guide ships
my $retention = do {
    open my $fh, '<', "$REPO/docs/policy-document.md" or die $!;
    local $/;
    join '', map { "    $_\n" }
        <$fh> =~ /^\s*(privacy_retention\s+\w+\s+\S+;)\s*$/mg;
};

open my $sf, '>', "$dir/secret" or die $!;
print $sf 'k' x 48;
close $sf;
chmod 0600, "$dir/secret";

open my $cf, '>', "$dir/nginx.conf" or die $!;
print $cf <<"EOF";
load_module $MODULE;
pid $dir/nginx.pid;
error_log $dir/error.log;
events { }
http {
    access_log off;
    privacy_secret_file $dir/secret;
    privacy_policy $dir/policy.json;
$retention
    server {
        listen 127.0.0.1:1;
        location / { privacy on; }
        location /privacy/ { privacy_portal; }
    }
}
EOF
close $cf;

my @seeds = map {
    open my $fh, '<:raw', $_ or die "$_: $!";
    local $/;
    my $text = <$fh>;
    { text => $text, doc => eval { decode_json($text) } };
} glob "$REPO/docs/examples/*.json $REPO/tests/fuzz/corpus/policy/*.json";
@seeds or die "fuzz-policy: no seeds\n";


# --- mutations ---------------------------------------------------------------

my @STRINGS = ('', ' ', "\x{0}", "\x{202e}rtl", 'x' x 70000, '%s%n%V',
    '<script>alert(1)</script>', "line\nbreak", '../../etc/passwd',
    '13M', '-1y', '99999999999999999999y', '0d', 'sv', 'en', 'de-DE',
    'xx-', '2026-02-30', '2026-12-03', 'customer', 'analytics', 'consent',
    'necessary', 'statistics', 'marketing', "\x{1f36a}", "\\u0000");

sub random_value {
    my ($depth) = @_;
    my $k = int rand 9;
    return $STRINGS[rand @STRINGS] if $k < 3;
    return (0, -1, 1, 2**31, 2**63, -2**63, 1e308, 0.5)[rand 8] if $k == 3;
    return JSON::PP::true if $k == 4;
    return undef if $k == 5;
    return [ map { random_value($depth + 1) } 1 .. int rand 3 ]
        if $k == 6 && $depth < 4;
    return { map { ($STRINGS[rand @STRINGS] =~ s/\x{0}//gr)
                   => random_value($depth + 1) } 1 .. int rand 3 }
        if $k == 7 && $depth < 4;
    my $v = 1;
    $v = [$v] for 1 .. 1 + int rand 2000;              # deep nesting
    return $v;
}

# every container in the document, with a way to replace a child
sub places {
    my ($node, $out) = @_;
    if (ref $node eq 'HASH') {
        push @$out, $node;
        places($node->{$_}, $out) for keys %$node;
    } elsif (ref $node eq 'ARRAY') {
        push @$out, $node;
        places($_, $out) for @$node;
    }
    return $out;
}

sub mutate_tree {
    my ($doc) = @_;
    my $all = places($doc, []);
    return unless @$all;
    my $n = $all->[rand @$all];

    if (ref $n eq 'HASH') {
        my @keys = keys %$n;
        my $op = int rand 4;
        return $n->{ $STRINGS[rand @STRINGS] } = random_value(0)
            if $op == 0 || !@keys;
        my $key = $keys[rand @keys];
        return delete $n->{$key} if $op == 1;
        return $n->{ $key . (('', '_', 'X')[rand 3]) } = delete $n->{$key}
            if $op == 2;
        return $n->{$key} = random_value(0);
    }

    my $op = int rand 3;
    return push @$n, random_value(0) if $op == 0 || !@$n;
    my $i = int rand @$n;
    return splice @$n, $i, 1 if $op == 1;
    return push @$n, ($n->[$i]) x (1 + int rand 3);
}

sub mutate_bytes {
    my ($text) = @_;
    for (1 .. 1 + int rand 4) {
        my $pos = int rand(length($text) + 1);
        my $op = int rand 3;
        if ($op == 0 && $pos < length $text) {
            substr($text, $pos, 1) = chr(ord(substr $text, $pos, 1)
                                         ^ (1 << int rand 8));
        } elsif ($op == 1) {
            substr($text, $pos, 0) = ('"', '{', '[', ',', "\xff", "\xc3",
                                      '\\u', "\x00")[rand 8];
        } else {
            $text = substr $text, 0, $pos;
        }
    }
    return $text;
}


# --- the rounds --------------------------------------------------------------

my $json = JSON::PP->new->canonical->allow_nonref->max_depth(10000);
my ($runs, $accepted, %refusals) = (0, 0);
my $end = time + $SECONDS;

while (time < $end) {
    my $seed = $seeds[rand @seeds];
    my $text;

    if ($seed->{doc} && rand() < 0.8) {
        my $doc = $json->decode($json->encode($seed->{doc}));
        mutate_tree($doc) for 1 .. (rand() < 0.7 ? 1 : 2 + int rand 3);
        $text = $json->utf8->encode($doc);
    } else {
        $text = mutate_bytes($seed->{text});
    }

    open my $pf, '>:raw', "$dir/policy.json" or die $!;
    print $pf $text;
    close $pf;

    my $out = do {
        local %ENV = (%ENV, %env);
        `$NGINX -t -q -p $dir/ -c $dir/nginx.conf -e $dir/error.log 2>&1`
    };
    my $status = $?;
    $runs++;

    my ($why, $msg);
    my @reports = glob "$dir/san/*";

    if (@reports) {
        $why = 'a sanitizer report';
        system "cat @reports >&2";
    } elsif (WIFSIGNALED($status) || ($status >> 8) > 1) {
        $why = 'nginx -t ended with status ' . $status;
    } elsif ($out =~ /\[(alert|crit)\]/) {
        $why = "an [$1]";
    } elsif ($status == 0) {
        $accepted++;
        next;
    } elsif ($out =~ /\[emerg\] (privacy_policy .*?)(?: in \S+:\d+)?$/m) {
        ($msg = $1) =~ s/"[^"]*"/"…"/g;
        $msg =~ s/\d+/N/g;
        $refusals{$msg}++;
        next;
    } else {
        $why = 'a refusal that does not name privacy_policy';
    }

    my $keep = "$REPO/tests/bin/crash-policy-$runs.json";
    mkdir "$REPO/tests/bin";
    open my $kf, '>:raw', $keep or die $!;
    print $kf $text;
    close $kf;
    print STDERR "fuzz-policy: $why (seed $SEED, run $runs); input kept"
        . " as $keep\n$out";
    exit 1;
}

printf "fuzz-policy: %d runs in %d s (seed %d, %s): %d accepted, %d refused"
    . " with %d distinct messages\n", $runs, $SECONDS, $SEED,
    %env ? 'ASan+UBSan' : 'no sanitizer', $accepted,
    $runs - $accepted, scalar keys %refusals;
printf "  %5d  %s\n", $refusals{$_}, $_
    for (sort { $refusals{$b} <=> $refusals{$a} } keys %refusals)[0 .. 9];
