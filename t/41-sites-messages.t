#!/usr/bin/perl

# Issue 24.6: messages and defaults an operator meets on the first day.
# An unknown retention category lists the valid ones; "13mo" hints at
# "13M"; "samesite=None" is accepted as operators write it;
# $privacy_stripped names a cookie once even when both the request and
# the response lose it; a new register and its -wal and -shm are 0600.

use strict;
use warnings;

use FindBin;
use lib "$FindBin::Bin/lib";

use Test::More;
use PrivacyTest;

my $t = PrivacyTest->new(error_log_level => 'info');

sub check {
    my ($http) = @_;
    $t->config(<<"EOF");
    privacy_secret_file %%SECRET%%;
$http
    server {
        listen 127.0.0.1:%%PORT%%;
        privacy on;
        location / { return 200 "ok\\n"; }
    }
EOF
    return $t->test_config;
}

# --- retention messages -------------------------------------------------------

{
    my ($ok, $out) = check('    privacy_retention marketing 13M;');
    ok(!$ok, 'an unknown retention category fails');
    like($out, qr/unknown retention category "marketing" in "privacy_retention", expected analytics, analytics_aggregate, consent, customer, supplier, club, newsletter, chat, cctv, bookkeeping, requests or audit/,
        'the message lists the valid categories') or diag($out);

    ($ok, $out) = check('    privacy_retention customer 13mo;');
    ok(!$ok, '"13mo" fails');
    like($out, qr/invalid retention time "13mo" in "privacy_retention", months are "M" \(e\.g\. "13M"\), "m" is minutes/,
        '"13mo" hints at "13M"') or diag($out);

    ($ok, $out) = check('    privacy_retention customer 2months;');
    ok(!$ok, '"2months" fails');
    like($out, qr/"2months".*months are "M"/, '"2months" hints at "M"')
        or diag($out);

    ($ok, $out) = check('    privacy_retention customer 7years;');
    ok(!$ok, '"7years" fails');
    like($out, qr/"7years".*years are "y"/, '"7years" hints at "y"')
        or diag($out);

    ($ok, $out) = check('    privacy_retention customer 13M;');
    ok($ok, '"13M" passes') or diag($out);
}

# --- samesite, as operators write it ------------------------------------------

for my $v ('samesite=None', 'SameSite=None', 'samesite=none',
           'SameSite=Strict', 'SameSite=Lax')
{
    my ($ok, $out) = check("    privacy_consent_cookie pc $v secure;");
    ok($ok, "privacy_consent_cookie ... $v passes") or diag($out);
}

{
    my ($ok, $out) = check('    privacy_consent_cookie pc samesite=sometimes;');
    ok(!$ok, 'an unknown samesite value still fails');
    like($out, qr/invalid parameter "samesite=sometimes"/, 'named')
        or diag($out);
}

# --- a running server --------------------------------------------------------

$t->config(<<'EOF');
    privacy_secret_file %%SECRET%%;
    privacy_db %%DB%%;
    privacy_cookie statistics '^_ga$';
    privacy_consent_cookie pc SameSite=None secure;
    log_format stripped '$request_uri stripped=$privacy_stripped';

    server {
        listen 127.0.0.1:%%PORT%%;
        privacy on;
        access_log %%DIR%%/stripped.log stripped;

        location / {
            add_header Set-Cookie "_ga=GA1; Path=/";
            return 200 "ok\n";
        }

        location /privacy/ {
            privacy_portal;
        }
    }
EOF
# the usual umask, whatever the one the tests run with: a register made
# by SQLite alone would then be 0644, which the mode checks below catch
umask 022;
$t->start;

{
    my $r = $t->post('/privacy/consent', { action => 'reject_all' },
                     { Origin => 'http://127.0.0.1:' . $t->port });
    is($r->{status}, 303, 'a choice is saved');
    my ($pc) = grep { /^pc=/ } PrivacyTest::set_cookies($r);
    like($pc // '', qr/; SameSite=None/i, 'the cookie says SameSite=None')
        or diag($pc);
}

# --- $privacy_stripped names each cookie once --------------------------------

{
    $t->get('/dup', { Cookie => '_ga=1; session=2' });
    my $file = $t->dir . '/stripped.log';
    my $line;
    $t->wait_for(sub {
        my $log = -e $file ? do { local (@ARGV, $/) = ($file); <> } : '';
        ($line) = $log =~ m{^(/dup .*)$}m;
        defined $line;
    });
    is($line, '/dup stripped=_ga',
        'a cookie stripped from the request and the response is named once');
}

# --- the register's file modes -----------------------------------------------

{
    # SQLite makes the -wal before the -shm as the writer first opens
    # the register: wait for both, or a look between the two fails
    ok($t->wait_for(sub {
        -e $t->db && -e $t->db . '-wal' && -e $t->db . '-shm'
    }), 'the register, its -wal and its -shm exist') or diag($t->error_log);
    for my $f ('', '-wal', '-shm') {
        is((stat($t->db . $f))[2] & 07777, 0600, "privacy.db$f is 0600");
    }
}

done_testing;
undef $t;
