#!/usr/bin/perl

# Tests of the test harness itself (t/lib/PrivacyTest.pm), run against the
# stock nginx without our module: if these fail, no other result under t/
# can be trusted.

use strict;
use warnings;

use FindBin;
use lib "$FindBin::Bin/lib";

use IO::Socket::INET;
use Test::More;
use PrivacyTest;

my $t = PrivacyTest->new(module => 0);

# --- the directory, ports, secret and data dir ------------------------------

ok(-d $t->dir, 'temp dir exists');
like($t->dir, qr{/00-harness-\w+$}, 'temp dir named after the test file');
ok($t->port && $t->backend_port && $t->port != $t->backend_port,
    'two distinct ports');
isnt($t->port(2), $t->port, 'extra port differs from the main one');
is($t->port(2), $t->port(2), 'extra port is stable');

is(-s $t->secret_file, 48, 'secret has 48 bytes');
is((stat $t->secret_file)[2] & 07777, 0600, 'secret is mode 0600');
is($t->db, $t->data_dir . '/privacy.db', 'db lives in the data dir');
is($t->data_dir, $t->dir . '/data', 'data dir is <dir>/data');

SKIP: {
    skip 'not root: workers run as the current user', 1 if $> != 0;
    is((stat $t->data_dir)[4], scalar getpwnam('nobody'),
        'data dir is owned by the worker user');
}

my $file = $t->write_file('www/static/hello.txt', "hello from disk\n");
is($file, $t->dir . '/www/static/hello.txt', 'write_file returns the path');

# --- configuration ----------------------------------------------------------

eval { $t->config('listen %%NO_SUCH_THING%%;') };
like($@, qr/unknown placeholder %%NO_SUCH_THING%%/, 'unknown placeholder dies');

my $conf = <<'EOF';
    %%BACKEND%%

    server {
        listen 127.0.0.1:%%PORT%%;
        server_name front;

        location / {
            proxy_pass http://127.0.0.1:%%BACKEND_PORT%%;
        }

        location /static/ {
            root %%DIR%%/www;
        }

        location /form {
            proxy_set_header X-Body $request_body;
            proxy_pass http://127.0.0.1:%%PORT_2%%;
        }

        # a write by the worker into the data dir
        location /data/ {
            alias %%DATA%%/;
            dav_methods PUT;
        }

        location /version {
            return 200 "v1\n";
        }
    }

    server {
        listen 127.0.0.1:%%PORT%%;
        server_name other.example;
        return 200 "other host\n";
    }

    server {
        listen 127.0.0.1:%%PORT_2%%;
        return 200 "body=[$http_x_body] type=[$http_content_type]\n";
    }
EOF

$t->config($conf);
like($t->config_text, qr/^daemon on;$/m, 'daemon on');
like($t->config_text, qr/^worker_processes 1;$/m, 'one worker');
like($t->config_text, qr/^error_log \Q${\ $t->dir}\E\/error\.log info;$/m,
    'error log in the temp dir');
unlike($t->config_text, qr/load_module/, 'module => 0: no load_module');
unlike($t->config_text, qr/%%/, 'every placeholder replaced');
like($t->config_text, qr/listen 127\.0\.0\.1:${\ $t->backend_port};/,
    'backend block expanded');

my ($ok, $out) = $t->test_config;
ok($ok, 'test_config accepts a good config') or diag($out);
like($out, qr/test is successful/, 'test_config returns nginx -t output');

# --- running ----------------------------------------------------------------

$t->start;
my $master = $t->pid;
ok($master && kill(0, $master), 'master is running');

my $r = $t->get('/');
is($r->{status}, 200, 'GET / through the backend');
is($r->{content}, "cookie=[]\n", 'backend echoes an empty Cookie header');
my @sc = set_cookies($r);
is(scalar @sc, 3, 'backend sets three cookies');
like($sc[0], qr/^_ga=GA1\.1\.\d+\.\d+; Path=\/; Max-Age=63072000$/, '_ga');
like($sc[1], qr/^_fbp=fb\.1\.\d+\.\d+; Path=\/; Max-Age=7776000$/, '_fbp');
like($sc[2], qr/^session=s\d+\.\d+; Path=\/; HttpOnly$/, 'session');
is_deeply([sort keys %{ set_cookie_map($r) }], [qw(_fbp _ga session)],
    'set_cookie_map');
is_deeply([$t->set_cookies($r)], \@sc, 'set_cookies also as a method');

$r = $t->get('/', { Cookie => '_ga=GA1; session=abc' });
is($r->{content}, "cookie=[_ga=GA1; session=abc]\n", 'Cookie header sent');

$r = $t->get('/', { Cookie => ['a=1', 'b=2'] });
is($r->{content}, "cookie=[a=1; b=2]\n", 'several Cookie headers, joined');

$r = $t->get('/html');
is($r->{headers}{'content-type'}, 'text/html', '/html is text/html');
is($r->{content}, '<html><body><h1>shop</h1></body></html>', '/html body');
is(scalar set_cookies($r), 3, '/html sets the cookies too');

$r = $t->get('/none');
is($r->{content}, "no cookies set\n", '/none');
is_deeply([set_cookies($r)], [], '/none sets no cookies');

$r = $t->get('/echo-headers', { Cookie => 'x=1', 'Sec-GPC' => 1 });
is($r->{content}, "cookie=[x=1]\nsec-gpc=[1]\n", '/echo-headers');
is_deeply([set_cookies($r)], [], '/echo-headers sets no cookies');

$r = $t->get('/static/hello.txt');
is($r->{content}, "hello from disk\n", 'worker reads files from the dir');

$r = $t->request('PUT', '/data/written.txt', { content => 'by the worker' });
is($r->{status}, 201, 'worker writes into the data dir');
SKIP: {
    skip 'not root', 1 if $> != 0;
    is((stat($t->data_dir . '/written.txt'))[4], scalar getpwnam('nobody'),
        'file written by the worker user');
}

$r = $t->post('/form', [category => 'statistics', category => 'marketing',
    note => 'å ä&=']);
is($r->{content},
    'body=[category=statistics&category=marketing&note=%C3%A5+%C3%A4%26%3D]'
    . " type=[application/x-www-form-urlencoded]\n",
    'post: form-urlencoded pairs, repeated keys');

$r = $t->post('/form', { smile => "\x{263a}", a => 'b c' });
is($r->{content}, 'body=[a=b+c&smile=%E2%98%BA]'
    . " type=[application/x-www-form-urlencoded]\n",
    'post: hash ref, character strings as UTF-8');

$r = $t->post('/form', 'raw=1', { 'Content-Type' => 'text/plain' });
is($r->{content}, "body=[raw=1] type=[text/plain]\n",
    'post: raw body and own Content-Type');

$r = $t->request('GET', '/', { host => 'other.example' });
is($r->{content}, "other host\n", 'request with a Host of our choosing');

$r = $t->get('/version', {});
is($r->{content}, "v1\n", 'get with an empty header hash');

$r = $t->request('GET', '/', { port => $t->backend_port });
is($r->{content}, "cookie=[]\n", 'request to another port');

# --- raw requests -----------------------------------------------------------

my $raw = $t->raw_request("GET /none HTTP/1.1\r\nHost: front\r\n"
    . "Connection: close\r\n\r\n");
like($raw, qr{^HTTP/1\.1 200 OK\r\n}, 'raw request: status line');
like($raw, qr{\r\n\r\nno cookies set\n$}, 'raw request: body');

$raw = $t->raw_request("GET / HTTP/1.1\r\nHost: front\r\n"
    . 'Cookie: ' . ('a' x 20000) . "\r\nConnection: close\r\n\r\n");
like($raw, qr{^HTTP/1\.1 400 }, 'raw request: oversized header refused');

# --- reload -----------------------------------------------------------------

(my $conf2 = $conf) =~ s/"v1\\n"/"v2\\n"/;
$t->config($conf2);
ok($t->reload, 'reload') or diag($t->reload_error);
is($t->get('/version')->{content}, "v2\n", 'new configuration answers');
is($t->pid, $master, 'same master after reload');

$t->allow_log_errors(qr/unknown directive "bogus_reload"/);
$t->config("bogus_reload on;\n$conf2");
ok(!$t->reload, 'reload with a bad configuration is reported');
like($t->reload_error, qr/bogus_reload/, 'reload_error says why');
is($t->get('/version')->{content}, "v2\n", 'old configuration still serves');
like($t->error_log, qr/\[emerg\].*bogus_reload/, 'error_log has the [emerg]');
$t->config($conf2);

# --- SQLite -----------------------------------------------------------------

SKIP: {
    skip 'DBD::SQLite missing (apt-get install libdbd-sqlite3-perl)', 4
        unless eval { require DBI; require DBD::SQLite; 1 };

    eval { $t->sqlite('SELECT 1') };
    like($@, qr/does not exist/, 'sqlite on a missing db dies clearly');

    my $dbh = DBI->connect('dbi:SQLite:dbname=' . $t->db, '', '',
        { RaiseError => 1 });
    $dbh->do('CREATE TABLE consent (id INTEGER PRIMARY KEY, cats TEXT)');
    $dbh->do('INSERT INTO consent (cats) VALUES (?), (?)', undef,
        'necessary', 'necessary,statistics');
    $dbh->disconnect;

    is_deeply($t->sqlite('SELECT id, cats FROM consent WHERE id > ?', 0),
        [ { id => 1, cats => 'necessary' },
          { id => 2, cats => 'necessary,statistics' } ],
        'sqlite returns hash refs');
    is($t->sqlite_do('UPDATE consent SET cats = ? WHERE id = ?', 'x', 2), 1,
        'sqlite_do returns the rows changed');
    eval { $t->sqlite('DELETE FROM consent') };
    like($@, qr/readonly|read-only/i, 'sqlite is read-only');
}

# --- stopping ---------------------------------------------------------------

like($t->error_log, qr/\[notice\].*start worker process/,
    'error_log returns the log');

$t->stop;
ok(!-e "/proc/$master" || slurp("/proc/$master/stat") =~ /\) Z/,
    'master has exited');
is($t->get('/')->{status}, 599, 'nothing listens after stop');

# start again on the same ports, then nginx -t of a broken configuration:
# its [emerg] is not counted by the final check
$t->start;
is($t->get('/version')->{content}, "v2\n", 'started again');
$t->stop;

$t->config("no_such_directive on;\n");
($ok, $out) = $t->test_config;
ok(!$ok, 'test_config rejects a bad config');
like($out, qr/\[emerg\] unknown directive "no_such_directive"/,
    'test_config output has the error');

# --- more instances: checked when they go out of scope ----------------------

my $gone;
{
    my $t2 = PrivacyTest->new(module => 0);
    $gone = $t2->dir;
    $t2->config("server { listen 127.0.0.1:%%PORT%%; return 204; }");
    $t2->start;
    is($t2->get('/')->{status}, 204, 'second instance');
}   # adds "no [alert]..." here
ok(!-d $gone || $ENV{PRIVACY_TEST_KEEP}, 'temp dir removed');

{
    my $t3 = PrivacyTest->new(module => 0, allow_log_errors => 1);
    my $busy = IO::Socket::INET->new(LocalAddr => '127.0.0.1',
        LocalPort => $t3->port, Listen => 1, ReuseAddr => 1) or die $!;
    $t3->config("server { listen 127.0.0.1:%%PORT%%; }");
    eval { $t3->start };
    like($@, qr/nginx did not start.*Address already in use/s,
        'start failure dies with the error log');
}   # adds a skipped check here

eval { PrivacyTest->new(module => 0, bogus => 1) };
like($@, qr/unknown option/, 'unknown option dies');

if (-f "$PrivacyTest::REPO/build/ngx_http_privacy_module.so") {
    my $tm = PrivacyTest->new;
    # make test-asan and test-valgrind name the module in the environment
    my $so = $ENV{PRIVACY_TEST_MODULE}
        ? quotemeta(Cwd::abs_path($ENV{PRIVACY_TEST_MODULE}))
        : '/\S+/build/ngx_http_privacy_module\.so';
    like($tm->config('')->config_text,
        qr{^load_module $so;$}m,
        'module loaded by absolute path');
} else {
    local $ENV{PRIVACY_TEST_MODULE};
    eval { PrivacyTest->new };
    like($@, qr/not found: build it with 'make'/, 'missing module is named');
}

sub slurp {
    open my $fh, '<', $_[0] or return '';
    local $/;
    return <$fh>;
}

done_testing;   # adds the final check for $t
