#!/usr/bin/perl

# Issue #2, consent enforcement over HTTP/2 and TLS.  HTTP/2 sends cookies
# as separate "cookie" fields that nginx joins into one header, and marks
# response headers as removed differently from HTTP/1; over TLS every
# expiring Set-Cookie and the consent cookie must be Secure, since a
# Secure cookie can only be replaced by a Secure one.
#
# HTTP/2 needs curl (with HTTP/2 support), TLS needs openssl and
# IO::Socket::SSL: the parts whose tools are missing are skipped.

use strict;
use warnings;

use FindBin;
use lib "$FindBin::Bin/lib";

use POSIX ();
use Test::More;
use PrivacyTest;

my $t = PrivacyTest->new;

my $EPOCH = 'Max-Age=0; Path=/; Expires=Thu, 01 Jan 1970 00:00:01 GMT';

my $have_tls = have('openssl') && eval { require IO::Socket::SSL; 1 };
my $have_h2 = have('curl')
    && (run_tool(10, 'curl', '--version'))[1] =~ /\bHTTP2\b/;

my $tls_conf = '';
if ($have_tls) {
    my $dir = $t->dir;
    (run_tool(30, 'openssl', 'req', '-x509', '-newkey', 'rsa:2048',
        '-nodes', '-keyout', "$dir/key.pem", '-out', "$dir/cert.pem",
        '-days', '2', '-subj', '/CN=localhost'))[0] == 0 or $have_tls = 0;
    $tls_conf = <<'EOF' if $have_tls;
    server {
        listen 127.0.0.1:%%PORT_4%% ssl;
        ssl_certificate %%DIR%%/cert.pem;
        ssl_certificate_key %%DIR%%/key.pem;
        privacy on;

        location / {
            proxy_pass http://127.0.0.1:%%BACKEND_PORT%%;
        }

        location /privacy/ {
            privacy_portal;
        }
    }
EOF
}

$t->config(<<"EOF");
    privacy_secret_file %%SECRET%%;
    privacy_cookie statistics '^_ga';
    privacy_cookie marketing '^_fbp\$';
    privacy_cookie necessary '^session\$';

    %%BACKEND%%

    server {
        listen 127.0.0.1:%%PORT%%;
        listen 127.0.0.1:%%PORT_3%% http2;
        privacy on;

        location / {
            proxy_pass http://127.0.0.1:%%BACKEND_PORT%%;
        }

        location /privacy/ {
            privacy_portal;
        }

        location /vars {
            return 200 "decided=[\$privacy_decided] cookie=[\$http_cookie]\\n";
        }
    }
$tls_conf
EOF

$t->start;

my $accept = do {
    my $r = $t->post('/privacy/consent', [action => 'accept_all']);
    my ($c) = grep { /^privacy_consent=/ } set_cookies($r);
    ($c // '') =~ s/;.*//r;
};
like($accept, qr/^privacy_consent=\S+$/, 'a consent cookie over HTTP/1.1');

# --- HTTP/2 ---------------------------------------------------------------------

SKIP: {
    skip 'curl with HTTP/2 support not found', 14 unless $have_h2;

    my $r = h2('/', 'Cookie: _ga=GA1', 'Cookie: session=s1', 'Cookie: _fbp=fb; x=1');
    is($r->{status}, 200, 'HTTP/2: 200');
    is($r->{protocol}, 'HTTP/2', 'HTTP/2: really HTTP/2');
    is($r->{body}, "cookie=[session=s1; x=1]\n",
        'HTTP/2: three cookie fields, joined; _ga and _fbp removed');
    is_deeply([grep { !/^session=/ } @{ $r->{set_cookies} }],
        ["_ga=; $EPOCH", "_fbp=; $EPOCH"],
        'HTTP/2: the backend _ga and _fbp stripped, the presented ones expired');
    is(scalar(grep { /^session=/ } @{ $r->{set_cookies} }), 1,
        'HTTP/2: session is set');
    like($r->{head}, qr/^vary: Cookie, Sec-GPC\r?$/mi, 'HTTP/2: Vary: Cookie');

    $r = h2('/', 'Cookie: _ga=GA1; _fbp=fb');
    is($r->{body}, "cookie=[]\n", 'HTTP/2: a cookie header left empty is gone');

    $r = h2('/vars', "Cookie: $accept", 'Cookie: _ga=1');
    is($r->{body}, "decided=[1] cookie=[$accept; _ga=1]\n",
        'HTTP/2: the consent cookie is read from the joined header');

    $r = h2('/', "Cookie: $accept");
    is_deeply([sort map { /^([^=]+)=/ } @{ $r->{set_cookies} }],
        [qw(_fbp _ga session)], 'HTTP/2 after accept_all: all three set');

    $r = h2('/none', 'Cookie: _ga=1; session=2');
    is_deeply($r->{set_cookies}, ["_ga=; $EPOCH"], 'HTTP/2: /none: _ga expired');

    # one Cookie field, as browsers send it: the second response replays
    # the expiries from the header memo, which keeps them as HTTP/1.x
    # lines; HTTP/2 still gets one field each
    for my $n (1, 2) {
        $r = h2('/none', 'Cookie: _ga=1; _gab=2; _fbp=3; session=4');
        is_deeply([sort @{ $r->{set_cookies} }],
            ["_fbp=; $EPOCH", "_ga=; $EPOCH", "_gab=; $EPOCH"],
            "HTTP/2: one Cookie field, response $n: a field per expiry");
    }

    my $big = join '; ', map { $_ % 2 ? "_ga$_=$_" : "c$_=$_" } 1 .. 400;
    $r = h2('/none', map { "Cookie: $_" } split /; /, $big);
    is($r->{status}, 200, 'HTTP/2: 400 cookie fields: 200');
    # 200 denied names, at most privacy_expire_limit (32) expiries each time
    is(scalar @{ $r->{set_cookies} }, 32, 'HTTP/2: 32 of 200 expiries');
}

# --- TLS ----------------------------------------------------------------------------

SKIP: {
    skip 'openssl or IO::Socket::SSL not available', 5 unless $have_tls;

    my $base = 'https://127.0.0.1:' . $t->port(4);

    my $r = $t->get("$base/none", { Cookie => '_ga=1; session=2; _fbp=3' });
    is($r->{status}, 200, 'TLS: 200');
    is_deeply([set_cookies($r)], ["_ga=; $EPOCH; Secure", "_fbp=; $EPOCH; Secure"],
        'TLS: the expiries are Secure');

    $r = $t->get("$base/", { Cookie => '_ga=1' });
    is_deeply([map { /^([^=]+)=/ } set_cookies($r)], [qw(session _ga)],
        'TLS: backend _ga/_fbp stripped, session set, _ga expired');

    $r = $t->post("$base/privacy/consent", [action => 'reject_all']);
    is($r->{status}, 303, 'TLS: consent POST');
    my ($sc) = grep { /^privacy_consent=/ } set_cookies($r);
    like($sc // '', qr/; HttpOnly; Secure$/, 'TLS: the consent cookie is Secure');
}

done_testing;
undef $t;

# --- helpers --------------------------------------------------------------------

sub have {
    my ($cmd) = @_;
    return grep { -x "$_/$cmd" } split /:/, $ENV{PATH} // '';
}

# an HTTP/2 request with prior knowledge (h2c) through curl
sub h2 {
    my ($path, @headers) = @_;
    my $url = 'http://127.0.0.1:' . $t->port(3) . $path;
    my (undef, $res) = run_tool(20, 'curl', '-s', '-i',
        '--http2-prior-knowledge', '--max-time', '10',
        (map { ('-H', $_) } @headers), $url);
    my ($head, $body) = split /\r\n\r\n/, $res, 2;
    my ($proto, $status) = ($head // '') =~ m{^(HTTP/[\d.]+) (\d+)};
    return {
        protocol    => $proto // '',
        status      => $status // 0,
        head        => $head // '',
        body        => $body // '',
        set_cookies => [($head // '') =~ /^set-cookie: (.*?)\r?$/mgi],
    };
}

# Runs a tool with a deadline and returns (exit status, stdout).  The
# tools are not under test: they run without a sanitizer preload that the
# environment may set for nginx (curl can hang under one).
sub run_tool {
    my ($timeout, @cmd) = @_;
    my $out = $t->dir . "/tool.$$.out";
    my $pid = fork // die "fork: $!";
    if ($pid == 0) {
        delete @ENV{qw(LD_PRELOAD ASAN_OPTIONS UBSAN_OPTIONS)};
        open STDIN, '<', '/dev/null';
        open STDOUT, '>', $out or POSIX::_exit(126);
        open STDERR, '>', '/dev/null';
        { exec @cmd; }
        POSIX::_exit(127);
    }
    my $end = time + $timeout;
    my $done;
    while (!($done = waitpid($pid, POSIX::WNOHANG())) && time < $end) {
        select undef, undef, undef, 0.05;
    }
    my $status = $?;
    unless ($done) {
        kill 'KILL', $pid;
        waitpid $pid, 0;
        diag("@cmd[0, 1]: no answer in $timeout s, killed");
        $status = -1;
    }
    my $res = '';
    if (open my $fh, '<:raw', $out) {
        local $/;
        $res = <$fh> // '';
    }
    unlink $out;
    return ($status, $res);
}
