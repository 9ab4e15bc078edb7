#!/usr/bin/perl

# Issue #2, consent enforcement: the directives at "nginx -t".  A good
# configuration passes; every mistake an operator can make with the
# enforcement directives fails the test with a message naming the
# directive, and a reload with such a mistake keeps the old configuration.

use strict;
use warnings;

use FindBin;
use lib "$FindBin::Bin/lib";

use Test::More;
use PrivacyTest;

my $t = PrivacyTest->new;

# a complete, valid configuration: every directive of issue #2 once
my $GOOD = <<'EOF';
    privacy_secret_file %%SECRET%%;
    privacy_db %%DB%%;
    privacy_policy_version "2024-05";
    privacy_cookie statistics '^_ga(_.*)?$';
    privacy_cookie marketing '^_fbp$';
    privacy_cookie necessary '^session$';
    privacy_cookie preferences '^lang$';
    privacy_unclassified keep;
    privacy_consent_cookie pc max_age=30d domain=example.se path=/
                           secure samesite=strict;
    privacy_gpc on;
    privacy_shared_cache vary;

    server {
        listen 127.0.0.1:%%PORT%%;
        privacy on;
        privacy_cookie marketing '^_gcl_au$';
        privacy_unclassified strip;
        privacy_gpc off;
        privacy_shared_cache private;

        location / {
            privacy_cookie necessary '^cart$';
            return 200 "ok\n";
        }

        location /privacy/ {
            privacy_portal;
        }

        location /open/ {
            privacy off;
            return 200 "open\n";
        }
    }
EOF

# runs nginx -t on $body and returns (ok, output)
sub check {
    my ($body) = @_;
    $t->config($body);
    return $t->test_config;
}

# the configuration must fail and its output match $re
sub fails {
    my ($body, $re, $name) = @_;
    my ($ok, $out) = check($body);
    ok(!$ok, "$name: nginx -t fails") or diag($out);
    like($out, $re, "$name: the message says why") or diag($out);
}

# the good configuration with one line replaced
sub good_with {
    my ($from, $to) = @_;
    (my $c = $GOOD) =~ s/\Q$from\E/$to/ or die "no '$from' in the config";
    return $c;
}

# --- the good configuration ---------------------------------------------------

{
    my ($ok, $out) = check($GOOD);
    ok($ok, 'a configuration with every directive passes') or diag($out);
    like($out, qr/test is successful/, 'nginx -t says so');
    unlike($out, qr/\[warn\].*privacy/, 'no privacy warning for a 0600 secret')
        or diag($out);
    ok(!-e $t->db, 'nginx -t does not create the database');
    ok(!-e $t->db . '-wal', 'nor its WAL file');

    # exactly 32 bytes is enough
    my $s32 = $t->write_file('secret32', 'k' x 32);
    chmod 0600, $s32;
    ($ok, $out) = check(good_with('%%SECRET%%', $s32));
    ok($ok, 'a secret of exactly 32 bytes passes') or diag($out);

    # without privacy_db: enforcement works without a register
    (my $nodb = $GOOD) =~ s/^\s*privacy_db .*\n//m;
    ($ok, $out) = check($nodb);
    ok($ok, 'privacy_db is optional') or diag($out);

    # privacy off everywhere needs no secret
    ($ok, $out) = check(<<'EOF');
    privacy_cookie statistics '^_ga$';
    server {
        listen 127.0.0.1:%%PORT%%;
        privacy off;
        location / { return 200; }
    }
EOF
    ok($ok, 'privacy off needs no privacy_secret_file') or diag($out);
}

# --- privacy_cookie -----------------------------------------------------------

fails(good_with("privacy_cookie statistics '^_ga(_.*)?\$'",
                "privacy_cookie tracking '^_ga\$'"),
    qr/\[emerg\] unknown cookie category "tracking" in "privacy_cookie"/,
    'unknown category');

fails(good_with("privacy_cookie statistics '^_ga(_.*)?\$'",
                "privacy_cookie Statistics '^_ga\$'"),
    qr/\[emerg\].*"Statistics".*"privacy_cookie"/,
    'category names are case-sensitive');

fails(good_with("privacy_cookie statistics '^_ga(_.*)?\$'",
                "privacy_cookie statistics '^_ga(\$'"),
    qr/\[emerg\] "privacy_cookie": invalid regex "\^_ga\(\$"/,
    'invalid regex at http level');

fails(good_with("privacy_cookie necessary '^cart\$'",
                "privacy_cookie necessary '[cart'"),
    qr/\[emerg\] "privacy_cookie": invalid regex "\[cart"/,
    'invalid regex at location level');

fails(good_with("privacy_cookie necessary '^session\$'",
                "privacy_cookie necessary ''"),
    qr/\[emerg\].*empty pattern in "privacy_cookie"/,
    'empty pattern');

fails(good_with("privacy_cookie necessary '^session\$'",
                "privacy_cookie necessary"),
    qr/\[emerg\] invalid number of arguments in "privacy_cookie"/,
    'privacy_cookie with one argument');

# --- privacy_secret_file ------------------------------------------------------

fails(good_with('%%SECRET%%', '%%DIR%%/no-such-secret'),
    qr/\[emerg\] privacy_secret_file ".*no-such-secret" cannot be opened/,
    'missing secret file');

{
    my $short = $t->write_file('secret31', 'k' x 31);
    chmod 0600, $short;
    fails(good_with('%%SECRET%%', $short),
        qr/\[emerg\] privacy_secret_file ".*secret31" holds 31 bytes, at least 32/,
        'secret file of 31 bytes');

    my $empty = $t->write_file('secret0', '');
    chmod 0600, $empty;
    fails(good_with('%%SECRET%%', $empty),
        qr/\[emerg\] privacy_secret_file ".*secret0" holds 0 bytes/,
        'empty secret file');
}

fails(good_with('%%SECRET%%', '%%DIR%%'),
    qr/\[emerg\] privacy_secret_file ".*" cannot be read/,
    'secret file that is a directory');

{
    my $open = $t->write_file('secret-open', 'k' x 48);   # mode 0644
    my ($ok, $out) = check(good_with('%%SECRET%%', $open));
    ok($ok, 'a world-readable secret still passes') or diag($out);
    like($out, qr/\[warn\] privacy_secret_file ".*secret-open" is readable by other users/,
        'but nginx -t warns about it');
}

(my $nosecret = $GOOD) =~ s/^\s*privacy_secret_file .*\n//m;

fails($nosecret,
    qr/\[emerg\] "privacy" and "privacy_portal" need "privacy_secret_file"/,
    'privacy on without a secret');

{
    # privacy_portal alone, with privacy off everywhere
    (my $c = $nosecret) =~ s/privacy on;/privacy off;/;
    fails($c, qr/\[emerg\] .*"privacy_portal" need "privacy_secret_file"/,
        'privacy_portal without a secret');
}

# issue 24.4: allowed per server since, but not in a location
fails(<<'EOF',
    server {
        listen 127.0.0.1:%%PORT%%;
        location / {
            privacy_secret_file %%SECRET%%;
        }
    }
EOF
    qr/\[emerg\] "privacy_secret_file" directive is not allowed here/,
    'privacy_secret_file in a location block');

# --- privacy_db ---------------------------------------------------------------

fails(good_with('privacy_db %%DB%%', 'privacy_db %%DIR%%/no-such-dir/p.db'),
    qr/\[emerg\] privacy_db ".*no-such-dir\/p\.db": directory ".*no-such-dir" is not accessible/,
    'db directory missing');

fails(good_with('privacy_db %%DB%%', 'privacy_db %%SECRET%%/p.db'),
    qr/\[emerg\] privacy_db ".*secret\/p\.db": ".*secret" is not a directory/,
    'db "directory" that is a file');

SKIP: {
    skip 'not root: workers run as the current user', 5 if $> != 0;

    my $nogroup = (stat $t->data_dir)[5];

    my $dir = $t->make_dir('root-owned', mode => 0755);
    fails(good_with('privacy_db %%DB%%',
                    'privacy_db %%DIR%%/root-owned/p.db'),
        qr/\[emerg\][ ]privacy_db[ ]".*root-owned\/p\.db":[ ]directory[ ]".*root-owned"
           [ ]is[ ]not[ ]writable[ ]by[ ]the[ ]worker[ ]processes'[ ]user/x,
        'db directory owned by root, mode 0755');

    # the worker's group may write: fine
    $dir = $t->make_dir('group-writable', mode => 0770);
    chown 0, $nogroup, $dir or die "chown: $!";
    my ($ok, $out) = check(good_with('privacy_db %%DB%%',
                                     'privacy_db %%DIR%%/group-writable/p.db'));
    ok($ok, 'db directory writable by the worker group passes') or diag($out);

    # the worker owns it but may not write
    $dir = $t->make_dir('owned-readonly', mode => 0555, worker_owned => 1);
    fails(good_with('privacy_db %%DB%%',
                    'privacy_db %%DIR%%/owned-readonly/p.db'),
        qr/\[emerg\] privacy_db ".*owned-readonly\/p\.db": .*not writable/,
        'db directory owned by the worker, mode 0555');
}

# --- privacy_consent_cookie ---------------------------------------------------

for my $case (
    [ 'max_age=abc',       'max_age not a time' ],
    [ 'max_age=0',         'max_age zero' ],
    [ 'max_age=',          'max_age empty' ],
    [ 'samesite=sometimes', 'unknown samesite' ],
    [ 'path=relative',     'path not starting with /' ],
    [ 'path=',             'empty path' ],
    [ 'domain=',           'empty domain' ],
    [ 'httponly=no',       'unknown parameter' ],
    [ 'Secure',            'parameters are case-sensitive' ],
) {
    my ($param, $name) = @$case;
    fails(good_with('privacy_consent_cookie pc', "privacy_consent_cookie pc $param"),
        qr/\[emerg\] invalid parameter "\Q$param\E" in "privacy_consent_cookie"/,
        "privacy_consent_cookie $param ($name)");
}

for my $param ('domain=example.se;x', 'path=/shop;x') {
    fails(good_with('privacy_consent_cookie pc', qq{privacy_consent_cookie pc "$param"}),
        qr/\[emerg\] invalid parameter "\Q$param\E" in "privacy_consent_cookie"/,
        "privacy_consent_cookie $param (a ';' would add an attribute)");
}

fails(good_with('privacy_consent_cookie pc', 'privacy_consent_cookie "p c"'),
    qr/\[emerg\] invalid cookie name "p c" in "privacy_consent_cookie"/,
    'consent cookie name with a space');

fails(good_with('privacy_consent_cookie pc', 'privacy_consent_cookie "pc;x"'),
    qr/\[emerg\] invalid cookie name "pc;x" in "privacy_consent_cookie"/,
    'consent cookie name with a semicolon');

fails(good_with("privacy_gpc on;", "privacy_gpc on;\n    privacy_consent_cookie other;"),
    qr/\[emerg\] "privacy_consent_cookie" directive is duplicate/,
    'privacy_consent_cookie twice at one level');

fails(good_with("return 200 \"ok\\n\";",
                "privacy_consent_cookie loc;\n            return 200;"),
    qr/\[emerg\] "privacy_consent_cookie" directive is not allowed here/,
    'privacy_consent_cookie in a location');

# --- the enumerations and flags -----------------------------------------------

fails(good_with('privacy_unclassified keep;', 'privacy_unclassified drop;'),
    qr/\[emerg\] invalid value "drop" in "privacy_unclassified", expected keep or strip in \S+nginx\.conf:\d+/,
    'privacy_unclassified drop');

fails(good_with('privacy_shared_cache vary;', 'privacy_shared_cache public;'),
    qr/\[emerg\] invalid value "public" in "privacy_shared_cache", expected vary or private/,
    'privacy_shared_cache public');

fails(good_with('privacy_gpc on;', 'privacy_gpc yes;'),
    qr/\[emerg\] invalid value "yes" in "privacy_gpc"/,
    'privacy_gpc yes');

fails(good_with('privacy on;', 'privacy maybe;'),
    qr/\[emerg\] invalid value "maybe" in "privacy"/,
    'privacy maybe');

fails(good_with('privacy_portal;', 'privacy_portal;' x 2),
    qr/\[emerg\] "privacy_portal" directive is duplicate/,
    'privacy_portal twice');

fails(good_with('privacy_policy_version "2024-05"',
                'privacy_policy_version "' . ('v' x 65) . '"'),
    qr/\[emerg\] privacy_policy_version "v{65}" is longer than 64 bytes/,
    'privacy_policy_version of 65 bytes');

{
    my ($ok, $out) = check(good_with('privacy_policy_version "2024-05"',
                                     'privacy_policy_version "' . ('v' x 64) . '"'));
    ok($ok, 'privacy_policy_version of 64 bytes passes') or diag($out);
}

# --- a reload with a mistake keeps the running configuration ------------------

{
    (my $run = $GOOD) =~ s{return 200 "ok\\n";}{return 200 "consent=[\$privacy_consent]\\n";};
    $t->config($run);
    $t->start;

    my $r = $t->get('/');
    is($r->{content}, "consent=[necessary]\n", 'running with the good config');

    $t->allow_log_errors(qr/invalid regex/);
    $t->config(good_with("privacy_cookie statistics '^_ga(_.*)?\$'",
                         "privacy_cookie statistics '(?<'"));
    ok(!$t->reload, 'reload with an invalid regex is refused');
    like($t->reload_error || '', qr/"privacy_cookie": invalid regex/,
        'the refusal names privacy_cookie');

    $r = $t->get('/');
    is($r->{content}, "consent=[necessary]\n", 'the old configuration serves');
    $t->config($run);
    $t->stop;
}

done_testing;

# the helpers above hold $t: release it while Test::More is still alive
undef $t;
