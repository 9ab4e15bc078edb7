package PrivacyTest;

=head1 NAME

PrivacyTest - integration-test harness for ngx_privacy_module

=head1 SYNOPSIS

    use strict;
    use warnings;
    use FindBin;
    use lib "$FindBin::Bin/lib";
    use Test::More;
    use PrivacyTest;            # exports set_cookies, set_cookie_map

    my $t = PrivacyTest->new;   # temp dir, free ports, secret, data dir
    $t->config(<<'EOF');
        privacy_secret_file %%SECRET%%;
        privacy_db %%DB%%;
        privacy_cookie statistics '^_ga$';

        %%BACKEND%%

        server {
            listen 127.0.0.1:%%PORT%%;
            privacy on;
            location / { proxy_pass http://127.0.0.1:%%BACKEND_PORT%%; }
        }
    EOF
    $t->start;

    my $r = $t->get('/', { Cookie => '_ga=1; session=2' });
    like($r->{content}, qr/session=2/, 'necessary cookie reaches backend');
    my @sc = set_cookies($r);

    done_testing;   # the harness adds one test: no [alert]/[emerg]/[crit]

Run from the repository root: C<prove -r t/> (C<make test> does so after
building the module).

=head1 DESCRIPTION

Core Perl (Test::More, HTTP::Tiny, IO::Socket::INET) plus DBI/DBD::SQLite
(Debian: libdbd-sqlite3-perl, loaded only by C<sqlite> and C<sqlite_do>).
In the spirit of nginx/nginx-tests: every test file gets its own temp dir
and free ports, writes its nginx configuration inline, starts the packaged
C</usr/sbin/nginx> with our module loaded by absolute path, and stops it
with QUIT.

=head2 Constructor

=over

=item C<< PrivacyTest->new(%opts) >>

Creates a fresh temp dir under F<t/tmp/> (removed at the end unless the
environment variable C<PRIVACY_TEST_KEEP=1>), allocates free loopback ports,
writes a 48-byte random secret file (mode 0600; read by the master at
config time) and a data dir writable by the worker user. When run as root,
workers run as C<nobody>/C<nogroup>; if the repository path is not
traversable by them, the temp dir goes to the system temp dir instead.

Options:

    module           => 0        # do not load_module (tests of the harness)
    workers          => N        # worker_processes (default 1)
    error_log_level  => 'info'   # level of error.log (default info)
    access_log       => 1        # write <dir>/access.log (default off)
    main             => '...'    # extra main-context lines (placeholders ok)
    allow_log_errors => 1        # skip the final error-log check, or
    allow_log_errors => qr/.../  #   ignore the matching lines only
    timeout          => 10       # seconds for HTTP requests and waits

Environment: C<PRIVACY_TEST_NGINX> (nginx binary, default
F</usr/sbin/nginx>), C<PRIVACY_TEST_MODULE> (module path, default
F<$repo/build/ngx_http_privacy_module.so>), C<PRIVACY_TEST_KEEP=1>.
For the sanitizer and valgrind runs (C<make test-asan>, C<make
test-valgrind>, see docs/security.md): C<PRIVACY_TEST_PRELOAD> (set as
C<LD_PRELOAD> for nginx only, not for the test script: the sanitizer
runtimes), C<PRIVACY_TEST_WRAPPER> (a command line nginx is run under,
split on blanks: C<valgrind --log-file=... -q>) and
C<PRIVACY_TEST_TIME_FACTOR> (multiplies every timeout and wait, default 1),
C<PRIVACY_TEST_TMPDIR> (where the test directories go instead of
F<t/tmp/>).

=back

=head2 Paths and ports

C<< $t->port >> (main listen port; C<< $t->port(N) >> for N >= 2 gives extra
ports, placeholder C<%%PORT_N%%>), C<< $t->backend_port >>, C<< $t->dir >>,
C<< $t->secret_file >>, C<< $t->data_dir >> (F<< <dir>/data >>, owned by the
worker user), C<< $t->db >> (F<< <dir>/data/privacy.db >>),
C<< $t->error_log_file >>, C<< $t->pid >> (master pid while running).

C<< $t->write_file($relname, $content) >> writes a file under the dir
(parents created, mode 0644) and returns its absolute path.
C<< $t->make_dir($relname, mode => 0755, worker_owned => 1) >> creates a
directory (owned by the worker user if asked) and returns its path; use it
with C<chmod>/C<chown> to build unwritable data dirs for failure tests.

=head2 Configuration

C<< $t->config($http_body) >> writes F<< <dir>/nginx.conf >>: the load_module
line, C<daemon on; master_process on; worker_processes N;>, the pid file,
C<< error_log <dir>/error.log LEVEL; >>, C<events {}> and
C<http { access_log ...; *_temp_path inside the dir; default_type
text/plain; BODY }>. Placeholders in the body (and in C<main>):

    %%PORT%% %%PORT_2%%.. %%BACKEND_PORT%% %%DIR%% %%SECRET%% %%DB%%
    %%DATA%% %%BACKEND%%

An unknown C<%%NAME%%> dies (catches typos). C<%%BACKEND%%> expands to a
complete server block on 127.0.0.1:BACKEND_PORT (with C<privacy off;> when
the module is loaded, so it behaves like an independent upstream):

    location /             sets Set-Cookie _ga (2y), _fbp (90d), session
                           (HttpOnly); body "cookie=[$http_cookie]\n"
    location /html         the same cookies; text/html body
                           "<html><body><h1>shop</h1></body></html>"
    location /none         no cookies; body "no cookies set\n"
    location /echo-headers no cookies; body
                           "cookie=[$http_cookie]\nsec-gpc=[$http_sec_gpc]\n"

(C<$http_cookie> joins several Cookie headers with "; ".)
C<< $t->config_text >> returns the written configuration.

=head2 Running nginx

=over

=item C<< $t->start >>

Starts nginx (C<< -p dir -c conf -e dir/error.log >>), waits for the pid
file and until the port accepts. Dies (failing the test file) with nginx's
output and the error-log tail if nginx does not come up.

=item C<< $t->stop >>

Sends QUIT to the master and waits until it has exited (TERM, then KILL
after the timeout, with a diagnostic). Safe to call when not running; nginx
can be started again afterwards.

=item C<< $t->reload >>

Rewrites nothing: call C<config> first if the configuration should change.
Sends HUP and waits until new workers exist, the old ones are gone and the
port accepts. Returns 1, or 0 if the master rejected the new configuration
(an C<[emerg]> appeared) or the timeout passed; C<< $t->reload_error >> then
says why: C<< ok($t->reload, 'reload') or diag($t->reload_error); >>

=item C<< ($ok, $output) = $t->test_config >>

Runs C<< nginx -t -p dir -c conf -e dir/error.log >> and returns whether it
exited 0 and its output (stdout and stderr). What it writes to error.log is
excluded from the final error-log check.

=back

=head2 HTTP

All requests go to 127.0.0.1 with HTTP::Tiny (max_redirect 0, no
keep-alive, Host 127.0.0.1:PORT) and return HTTP::Tiny's response hash
(C<status>, C<reason>, C<headers> with lower-case names, C<content>;
status 599 for connection errors). Header values may be array refs to send
a header several times.

    $t->get($path, \%headers)
    $t->post($path, $body, \%headers)  # $body: string (sent as is), or
                                       # array ref of pairs / hash ref,
                                       # form-urlencoded (byte strings as
                                       # bytes, character strings as
                                       # UTF-8); Content-Type
                                       # defaults to x-www-form-urlencoded
    $t->request($method, $path, \%opts) # %opts of HTTP::Tiny's request
                                       # (headers, content) plus port => N
                                       # and host => NAME (sent as the
                                       # absolute-form request target, so
                                       # nginx uses NAME as the host)
    $t->raw_request($bytes, port => N, timeout => S)

A POST gets C<Origin: http://HOST> naming its target, as a browser sends
it, unless the caller gives C<Origin> or C<Referer>; a header given as
C<undef> (C<< { Origin => undef } >>) is left out.

C<$path> may also be a full C<http://> URL. C<raw_request> writes the bytes
(ignoring a server that stops reading) and returns everything read until the
server closes or C<timeout> (default 5) seconds pass without data: send
C<Connection: close> to avoid waiting.

C<PrivacyTest::form_urlencode(\@pairs)> is the encoder C<post> uses.

A response can be held open while other requests run:

    my $up = $t->hold_upstream;        # listens on port(2) (or port(N))
    my ($c, $u, $head) = $t->held_request($up, $raw_request);
    ...                                # $head: what nginx sent upstream
    print $u "HTTP/1.0 200 OK\r\n...";  # answer when the test chooses
    close $u;
    my $res = PrivacyTest::read_to_end($c);

C<< $t->wait_for_lines($name, $n) >> returns the file C<$name> of the
test's directory once it has C<$n> lines (an access log written in the
log phase, after the response).

Helpers (exported): C<set_cookies($res)> returns the list of Set-Cookie
values; C<set_cookie_map($res)> returns a hash ref of cookie name to the
whole Set-Cookie value (last one wins). Both may also be called as methods.

=head2 Logs and the database

C<< $t->error_log >> returns error.log's contents; C<< $t->access_log >>
access.log's. C<< $t->sqlite($sql, @bind) >> opens the database read-only
and returns an array ref of hash refs (bytes, not decoded characters);
C<< $t->sqlite_do($sql, @bind) >> runs a writing statement (e.g. to
back-date rows) and returns the number of rows changed.

C<< $t->wait_for(sub { ... }, $seconds) >> calls the sub every 50 ms
until it returns a true value (an error counts as false) or C<$seconds>
(default: C<timeout>) pass, and returns its last value: for what a
worker or its writer thread does in its own time.

C<< $t->analytics_row($path) >> waits for the newest C<analytics_events> row
of that path and returns it (a hash ref): the "sentinel" of tests that read
the rows written before it.  The writer posts a batch a second, but on a
machine loaded by other jobs a thread-pool task can wait long, so it waits
up to 30 seconds (times C<PRIVACY_TEST_TIME_FACTOR>), then dies with the
tail of error.log.

=head2 The final error-log check

Every instance that started nginx adds exactly one test at the end: nginx is
stopped first, then error.log must have no C<[alert]>, C<[emerg]> or
C<[crit]> line (minus what C<test_config> provoked, minus lines matching
C<allow_log_errors> if it is a regex; a skip if it is true). The check runs
when C<done_testing> is called (the harness hooks it), or when the object is
destroyed before that. With an explicit plan use C<< $t->plan($n) >>, which
plans C<$n + 1>; with several instances add one per instance that starts.
C<< $t->allow_log_errors($flag_or_regex) >> changes the option later.

=head1 SEE ALSO

L<EchoUpstream> (F<t/lib/EchoUpstream.pm>): a raw upstream that answers
with the request head exactly as nginx forwarded it, for tests that must
see Cookie headers line by line.

=cut

use strict;
use warnings;

use Carp qw(croak);
use Cwd qw(abs_path);
use Exporter qw(import);
use File::Basename qw(dirname basename);
use File::Path qw(make_path remove_tree);
use File::Spec;
use File::Temp qw(tempdir);
use HTTP::Tiny;
use IO::Select;
use IO::Socket::INET;
use POSIX qw(WNOHANG);
use Scalar::Util qw(weaken refaddr);
use Time::HiRes qw(sleep time);
use Test::More ();

our @EXPORT = qw(set_cookies set_cookie_map);

# A page view's row id as the writer makes it (docs/database.md: its
# second shifted left by 24 bits, plus its rank in that second), for
# tests that write page views themselves: ?1 is the view's unix time.
our $EVENT_ID = 'coalesce((SELECT max(id) + 1 FROM analytics_events'
    . ' WHERE id >= (?1 << 24) AND id < ((?1 + 1) << 24)), ?1 << 24)';

our $REPO = abs_path(File::Spec->catdir(dirname(abs_path(__FILE__)),
    File::Spec->updir, File::Spec->updir));

my $NGINX = $ENV{PRIVACY_TEST_NGINX} || '/usr/sbin/nginx';
my @WRAPPER = split ' ', ($ENV{PRIVACY_TEST_WRAPPER} // '');
my $TIME_FACTOR = $ENV{PRIVACY_TEST_TIME_FACTOR} || 1;

# nginx daemonises: make this process the "subreaper" of its descendants
# (Linux prctl PR_SET_CHILD_SUBREAPER) so that an exited master is reaped
# here, not left a zombie when init does not reap (as in some containers)
eval {
    no warnings;
    local $SIG{__WARN__} = sub {};
    my $nr = eval { package main; require 'syscall.ph'; &main::SYS_prctl }
        || { x86_64 => 157, aarch64 => 167 }->{(POSIX::uname())[4]}
        or return;
    syscall($nr, 36, 1, 0, 0, 0);
};

my %LIVE;           # refaddr => weak ref to every instance of this process
my %USED_PORTS;     # never hand out the same port twice in one process
my $DONE_TESTING;   # done_testing() has been called

# The final error-log check must come before done_testing() closes the
# plan: run it for every live instance first.
{
    no warnings 'redefine';
    my $orig = \&Test::Builder::done_testing;
    *Test::Builder::done_testing = sub {
        for my $t (grep { defined } values %LIVE) {
            local $Test::Builder::Level = $Test::Builder::Level + 1;
            $t->_finish;
        }
        $DONE_TESTING = 1;
        goto &$orig;
    };
}

sub new {
    my ($class, %o) = @_;

    my $self = bless {
        module           => exists $o{module} ? $o{module} : 1,
        workers          => $o{workers} || 1,
        error_log_level  => $o{error_log_level} || 'info',
        access_log       => $o{access_log} || 0,
        main             => $o{main} // '',
        allow_log_errors => $o{allow_log_errors} || 0,
        timeout          => ($o{timeout} || 10) * $TIME_FACTOR,
        owner_pid        => $$,
        started_once     => 0,
        checked          => 0,
        ports            => [],
        ignore           => [],     # [from, to) byte ranges of error.log
    }, $class;

    my @unknown = grep { !exists $self->{$_} } keys %o;
    croak "PrivacyTest->new: unknown option(s): @unknown" if @unknown;

    if ($self->{module}) {
        my $so = $ENV{PRIVACY_TEST_MODULE}
            || "$REPO/build/ngx_http_privacy_module.so";
        croak "module $so not found: build it with 'make' first" unless -f $so;
        $self->{module_path} = abs_path($so);
    }

    croak "nginx binary $NGINX not found (apt-get install nginx)"
        unless -x $NGINX;

    $self->_worker_user;
    $self->_make_dir_tree;

    $self->{ports} = [ _free_port(), _free_port() ];

    $LIVE{refaddr $self} = $self;
    weaken $LIVE{refaddr $self};

    return $self;
}

# --- accessors -------------------------------------------------------------

sub port {
    my ($self, $n) = @_;
    return $self->{ports}[0] unless defined $n && $n != 1;
    croak "port($n): extra ports are numbered from 2" if $n < 2;
    # ports->[1] is the backend; extra port N lives at index N
    $self->{ports}[$_] //= _free_port() for 2 .. $n;
    return $self->{ports}[$n];
}

sub backend_port   { $_[0]{ports}[1] }
sub dir            { $_[0]{dir} }
sub secret_file    { $_[0]{secret_file} }
sub data_dir       { $_[0]{data_dir} }
sub db             { "$_[0]{data_dir}/privacy.db" }
sub conf_file      { "$_[0]{dir}/nginx.conf" }
sub error_log_file { "$_[0]{dir}/error.log" }
sub pid            { $_[0]{pid} }
sub config_text    { $_[0]{conf} }
sub reload_error   { $_[0]{reload_error} }

sub allow_log_errors {
    my ($self, $v) = @_;
    $self->{allow_log_errors} = $v;
    return $self;
}

sub plan {
    my ($self, $n) = @_;
    Test::More::plan(tests => $n + 1);
    return $self;
}

# --- files -----------------------------------------------------------------

sub _worker_user {
    my ($self) = @_;
    return unless $> == 0;

    my $uid = getpwnam('nobody');
    my ($group, $gid) = ('nogroup', scalar getgrnam('nogroup'));
    ($group, $gid) = ('nobody', scalar getgrnam('nobody')) unless defined $gid;
    croak "running as root but user nobody/group nogroup do not exist"
        unless defined $uid && defined $gid;

    @$self{qw(wuser wgroup wuid wgid)} = ('nobody', $group, $uid, $gid);
}

# true if every directory from / down to $path is searchable by others
sub _traversable {
    my ($path) = @_;
    my @parts = File::Spec->splitdir($path);
    my $p = '';
    for my $part (@parts) {
        $p = $p eq '' ? ($part eq '' ? '/' : $part)
                      : File::Spec->catdir($p, $part);
        my @st = stat $p or return 0;
        return 0 unless $st[2] & 01;
    }
    return 1;
}

sub _make_dir_tree {
    my ($self) = @_;

    my $base = $ENV{PRIVACY_TEST_TMPDIR} || "$REPO/t/tmp";
    make_path($base, { mode => 0755 });

    if ($self->{wuid} && !_traversable($base)) {
        Test::More::diag("$base is not reachable by the worker user "
            . "$self->{wuser}; using " . File::Spec->tmpdir);
        $base = File::Spec->tmpdir;
    }

    (my $name = basename($0)) =~ s/\.t$//;
    $name =~ s/[^\w.-]/_/g;
    my $dir = tempdir("$name-XXXXXX", DIR => $base, CLEANUP => 0);
    chmod 0755, $dir or croak "chmod $dir: $!";
    $self->{dir} = $dir;

    # the secret: 48 random bytes, readable by the master only
    $self->{secret_file} = "$dir/secret";
    open my $r, '<:raw', '/dev/urandom' or croak "/dev/urandom: $!";
    read($r, my $secret, 48) == 48 or croak "short read from /dev/urandom";
    close $r;
    {
        my $old = umask 077;
        _spew($self->{secret_file}, $secret);
        umask $old;
    }
    chmod 0600, $self->{secret_file};

    $self->{data_dir} = $self->make_dir('data', worker_owned => 1);
    return;
}

sub make_dir {
    my ($self, $rel, %o) = @_;
    my $path = File::Spec->rel2abs($rel, $self->{dir});
    make_path($path);
    chmod(defined $o{mode} ? $o{mode} : 0755, $path) or croak "chmod $path: $!";
    if ($o{worker_owned} && $self->{wuid}) {
        chown $self->{wuid}, $self->{wgid}, $path or croak "chown $path: $!";
    }
    return $path;
}

sub write_file {
    my ($self, $rel, $content) = @_;
    my $path = File::Spec->rel2abs($rel, $self->{dir});
    make_path(dirname($path), { mode => 0755 });
    _spew($path, $content);
    chmod 0644, $path;
    return $path;
}

sub _spew {
    my ($path, $content) = @_;
    open my $fh, '>:raw', $path or croak "write $path: $!";
    print $fh $content;
    close $fh or croak "close $path: $!";
}

sub _slurp {
    my ($path) = @_;
    open my $fh, '<:raw', $path or return '';
    local $/;
    my $c = <$fh>;
    return defined $c ? $c : '';
}

sub error_log  { _slurp($_[0]->error_log_file) }
sub access_log { _slurp("$_[0]{dir}/access.log") }

# --- ports -----------------------------------------------------------------

sub _free_port {
    for (1 .. 50) {
        my $s = IO::Socket::INET->new(
            LocalAddr => '127.0.0.1',
            LocalPort => 0,
            Proto     => 'tcp',
            Listen    => 1,
        ) or croak "cannot bind 127.0.0.1:0: $!";
        my $port = $s->sockport;
        close $s;
        next if $USED_PORTS{$port}++;
        return $port;
    }
    croak "no free port found";
}

sub _port_accepts {
    my ($port) = @_;
    my $s = IO::Socket::INET->new(
        PeerAddr => '127.0.0.1',
        PeerPort => $port,
        Proto    => 'tcp',
        Timeout  => 1,
    ) or return 0;
    close $s;
    return 1;
}

# --- configuration ---------------------------------------------------------

sub _backend_block {
    my ($self) = @_;
    my $privacy = $self->{module} ? "\n        privacy off;" : '';
    my $cookies = <<'EOF';
            add_header Set-Cookie "_ga=GA1.1.$msec; Path=/; Max-Age=63072000";
            add_header Set-Cookie "_fbp=fb.1.$msec; Path=/; Max-Age=7776000";
            add_header Set-Cookie "session=s$msec; Path=/; HttpOnly";
EOF
    return <<EOF;
server {
        # the test backend: an upstream that sets tracking cookies
        listen 127.0.0.1:%%BACKEND_PORT%%;
        server_name backend;$privacy

        location / {
$cookies            return 200 "cookie=[\$http_cookie]\\n";
        }

        location /html {
            default_type text/html;
$cookies            return 200 "<html><body><h1>shop</h1></body></html>";
        }

        location /none {
            return 200 "no cookies set\\n";
        }

        location /echo-headers {
            return 200 "cookie=[\$http_cookie]\\nsec-gpc=[\$http_sec_gpc]\\n";
        }
    }
EOF
}

sub _expand {
    my ($self, $text) = @_;
    my %v = (
        PORT         => $self->port,
        BACKEND_PORT => $self->backend_port,
        DIR          => $self->{dir},
        SECRET       => $self->{secret_file},
        DB           => $self->db,
        DATA         => $self->{data_dir},
    );
    $text =~ s/%%BACKEND%%/$self->_backend_block/ge;
    $text =~ s{%%(\w+)%%}{
        my $k = $1;
        exists $v{$k} ? $v{$k}
        : $k =~ /^PORT_(\d+)$/ && $1 >= 2 ? $self->port($1)
        : croak "config: unknown placeholder %%$k%%";
    }ge;
    return $text;
}

sub config {
    my ($self, $body) = @_;
    my $d = $self->{dir};

    my $conf = '';
    $conf .= "load_module $self->{module_path};\n" if $self->{module};
    $conf .= "user $self->{wuser} $self->{wgroup};\n" if $self->{wuid};
    $conf .= <<EOF;
daemon on;
master_process on;
worker_processes $self->{workers};
pid $d/nginx.pid;
error_log $d/error.log $self->{error_log_level};
EOF
    $conf .= $self->_expand($self->{main}) . "\n" if length $self->{main};
    # nginx gives workers and a binary upgrade's new master an environment
    # of its own: keep the sanitizers' options (UBSan reads them only at its
    # first report) and the runtimes the new binary must preload
    $conf .= "env ASAN_OPTIONS;\nenv UBSAN_OPTIONS;\nenv LD_PRELOAD;\n"
        if $ENV{PRIVACY_TEST_PRELOAD};
    my $access = $self->{access_log} ? "$d/access.log" : 'off';
    $conf .= <<EOF;

events {
    worker_connections 1024;
}

http {
    access_log $access;
    client_body_temp_path $d/client_body_temp;
    proxy_temp_path $d/proxy_temp;
    fastcgi_temp_path $d/fastcgi_temp;
    uwsgi_temp_path $d/uwsgi_temp;
    scgi_temp_path $d/scgi_temp;
    default_type text/plain;

EOF
    $conf .= $self->_expand($body) . "\n}\n";

    $self->{conf} = $conf;
    _spew($self->conf_file, $conf);
    return $self;
}

# --- processes -------------------------------------------------------------

# runs nginx with extra arguments; returns (exit status, combined output)
sub _run_nginx {
    my ($self, @args) = @_;
    local $?;
    my $out = "$self->{dir}/nginx.out";
    my $pid = fork;
    croak "fork: $!" unless defined $pid;
    if ($pid == 0) {
        open STDIN, '<', '/dev/null';
        open STDOUT, '>', $out or POSIX::_exit(126);
        open STDERR, '>&', \*STDOUT or POSIX::_exit(126);
        $ENV{LD_PRELOAD} = $ENV{PRIVACY_TEST_PRELOAD}
            if $ENV{PRIVACY_TEST_PRELOAD};
        no warnings 'exec';
        exec @WRAPPER, $NGINX, '-p', "$self->{dir}/", '-c', $self->conf_file,
            '-e', $self->error_log_file, @args;
        POSIX::_exit(127);
    }
    waitpid $pid, 0;
    my $status = $?;
    return ($status, _slurp($out));
}

sub _alive {
    my ($pid) = @_;
    return 0 unless $pid;
    local $?;
    return 0 if waitpid($pid, WNOHANG) == $pid;     # ours, and exited
    my $stat = _slurp("/proc/$pid/stat");
    return kill(0, $pid) ? 1 : 0 unless length $stat;   # no /proc
    # a zombie has exited: init may not reap it at once
    my ($state) = $stat =~ /\)\s+(\S)/;
    return defined $state && $state ne 'Z' && $state ne 'X';
}

sub _children {
    my ($pid) = @_;
    my @kids;
    opendir my $dh, '/proc' or return;
    for my $p (grep { /^\d+$/ } readdir $dh) {
        my $stat = _slurp("/proc/$p/stat");
        my ($state, $ppid) = $stat =~ /\)\s+(\S)\s+(\d+)/ or next;
        push @kids, $p if $ppid == $pid && $state ne 'Z';
    }
    return @kids;
}

sub wait_for {
    my ($self, $cond, $timeout) = @_;
    my $end = time + ($timeout ? $timeout * $TIME_FACTOR : $self->{timeout});
    while (1) {
        my $v = eval { $cond->() };
        return $v if $v || time > $end;
        sleep 0.05;
    }
}

sub analytics_row {
    my ($self, $path) = @_;
    my $row = $self->wait_for(sub {
        $self->sqlite('SELECT * FROM analytics_events WHERE path = ?'
            . ' ORDER BY id DESC LIMIT 1', $path)->[0];
    }, 30);
    return $row if $row;
    die "no analytics row for $path after 30 s; error.log:\n"
        . $self->_log_tail(20) . "\n";
}

sub _log_tail {
    my ($self, $n) = @_;
    my @l = split /\n/, $self->error_log;
    @l = @l[-$n .. -1] if @l > $n;
    return join("\n", @l);
}

sub start {
    my ($self) = @_;
    croak "start: nginx is already running" if $self->{pid};
    $self->config('') unless defined $self->{conf};

    my $pidfile = "$self->{dir}/nginx.pid";
    unlink $pidfile;
    $self->{started_once} = 1;

    my ($status, $out) = $self->_run_nginx;
    my $pid;
    my $up = $status == 0 && $self->wait_for(sub {
        ($pid) = _slurp($pidfile) =~ /(\d+)/;
        $pid && _alive($pid);
    });
    $self->{pid} = $pid if $up;
    if ($up && !$self->wait_for(sub { _port_accepts($self->port) })) {
        $up = 0;
        $out .= "port " . $self->port . " does not accept connections "
            . "(does the configuration listen on %%PORT%%?)\n";
    }

    unless ($up) {
        croak "nginx did not start (exit status " . ($status >> 8) . ")\n"
            . "--- nginx output:\n$out"
            . "--- error.log (tail):\n" . $self->_log_tail(30) . "\n";
    }
    return $self;
}

sub stop {
    my ($self) = @_;
    my $pid = delete $self->{pid} or return $self;
    return $self unless _alive($pid);

    kill 'QUIT', $pid;
    return $self if $self->wait_for(sub { !_alive($pid) });

    Test::More::diag("nginx master $pid did not quit in time; sending TERM");
    kill 'TERM', $pid;
    return $self if $self->wait_for(sub { !_alive($pid) }, 5);

    Test::More::diag("nginx master $pid still alive; sending KILL");
    kill 'KILL', $_ for ($pid, _children($pid));
    $self->wait_for(sub { !_alive($pid) }, 5);
    return $self;
}

sub reload {
    my ($self) = @_;
    my $pid = $self->{pid} or croak "reload: nginx is not running";

    my %old = map { $_ => 1 } _children($pid);
    my $log_size = -s $self->error_log_file || 0;
    my $rejected = sub {
        substr($self->error_log, $log_size) =~ /\[emerg\]/;
    };

    kill 'HUP', $pid or croak "reload: kill HUP $pid: $!";

    my $ok = $self->wait_for(sub {
        return 1 if $rejected->();
        my @kids = _children($pid);
        my $new = grep { !$old{$_} } @kids;
        my $old = grep { $old{$_} } @kids;
        return $new && !$old;
    });

    delete $self->{reload_error};
    if ($rejected->()) {
        $self->{reload_error} = "reload rejected:\n"
            . substr($self->error_log, $log_size);
    } elsif (!$ok || !$self->wait_for(sub { _port_accepts($self->port) })) {
        $self->{reload_error} = "reload did not complete in time; "
            . "error.log tail:\n" . $self->_log_tail(20);
    }
    return 1 unless $self->{reload_error};
    Test::More::note($self->{reload_error});
    return 0;
}

sub test_config {
    my ($self) = @_;
    $self->config('') unless defined $self->{conf};
    my $from = -s $self->error_log_file || 0;
    my ($status, $out) = $self->_run_nginx('-t');
    my $to = -s $self->error_log_file || 0;
    push @{$self->{ignore}}, [$from, $to] if $to > $from;
    return ($status == 0 ? 1 : 0, $out);
}

# --- the final check -------------------------------------------------------

sub _finish {
    my ($self) = @_;
    return if $self->{checked} || $self->{owner_pid} != $$;
    $self->stop;
    return unless $self->{started_once};
    $self->{checked} = 1;

    my $tb = Test::More->builder;
    local $Test::Builder::Level = $Test::Builder::Level + 1;
    my $allow = $self->{allow_log_errors};
    if ($allow && !ref $allow) {
        $tb->skip('errors in error.log are expected by this test');
        return;
    }

    # drop what test_config provoked, then look for the bad levels
    my $log = $self->error_log;
    for my $r (reverse @{$self->{ignore}}) {
        substr($log, $r->[0], $r->[1] - $r->[0], '');
    }
    my @bad = grep { /\[(?:alert|emerg|crit)\]/ } split /\n/, $log;
    @bad = grep { !/$allow/ } @bad if ref $allow;

    $tb->ok(!@bad, 'no [alert], [emerg] or [crit] in error.log')
        or $tb->diag(join "\n", @bad);
}

# $at_end: called from END, i.e. the script is over (or dying)
sub _cleanup {
    my ($self, $at_end) = @_;
    # once: END cleans the live ones, and their DESTROY comes later, in
    # global destruction, when Test::More can no longer be asked anything
    return if $self->{owner_pid} != $$ || $self->{cleaned}++;
    my $tb = Test::More->builder;

    # The check may still be counted before done_testing, or at any time
    # under a numeric plan; at the very end without either, the script is
    # dying or forgot done_testing: only stop nginx then.
    my $plan = $tb->has_plan;
    my $countable = !$DONE_TESTING
        && ((defined $plan && $plan =~ /^\d+$/)
            || (!$at_end && ${^GLOBAL_PHASE} ne 'DESTRUCT'));
    $countable ? $self->_finish : $self->stop;

    if ($self->{started_once} && !$tb->is_passing && !$self->{tail_shown}++) {
        $tb->diag("error.log tail of $self->{dir}:\n" . $self->_log_tail(20))
            if $self->{dir};
    }

    delete $LIVE{refaddr $self};
    return unless $self->{dir} && -d $self->{dir};
    if ($ENV{PRIVACY_TEST_KEEP}) {
        $tb->diag("kept $self->{dir}");
    } else {
        remove_tree($self->{dir});
    }
    delete $self->{dir};
}

sub DESTROY {
    my ($self) = @_;
    local ($?, $!, $@);
    $self->_cleanup(0);
}

END {
    local ($?, $!, $@);
    $_->_cleanup(1) for grep { defined } values %LIVE;
}

# --- HTTP ------------------------------------------------------------------

sub _url {
    my ($self, $path, $port) = @_;
    return $path if $path =~ m{^https?://};
    $path = "/$path" unless $path =~ m{^/};
    return 'http://127.0.0.1:' . ($port || $self->port) . $path;
}

sub request {
    my ($self, $method, $path, $opts) = @_;
    my %o = %{ $opts || {} };
    my $port = delete $o{port} || $self->port;
    my $host = delete $o{host};

    # never a proxy from the environment; with a Host of our choosing,
    # nginx itself is the "proxy": the absolute-form request target carries
    # the host (HTTP::Tiny refuses a Host header)
    my $http = HTTP::Tiny->new(
        max_redirect => 0,
        keep_alive   => 0,
        timeout      => $self->{timeout},
        agent        => 'PrivacyTest/1',
        proxy        => undef,
        https_proxy  => undef,
        http_proxy   => defined $host ? "http://127.0.0.1:$port" : undef,
    );
    my $url = defined $host ? "http://$host" . ($path =~ m{^/} ? '' : '/')
                              . $path
                            : $self->_url($path, $port);

    # a POST from a browser names its origin (issue 15.10: without Origin
    # and Referer the consent page wants its form token); a header given
    # as undef is left out
    if ($method eq 'POST') {
        my %h = %{ $o{headers} || {} };
        my @given = grep { /^(origin|referer)$/i } keys %h;
        my ($origin) = $url =~ m{^(https?://[^/?#]+)};
        $h{Origin} = $origin unless @given;
        defined $h{$_} or delete $h{$_} for keys %h;
        $o{headers} = \%h;
    }

    return $http->request($method, $url, \%o);
}

sub get {
    my ($self, $path, $headers) = @_;
    return $self->request('GET', $path, { headers => $headers || {} });
}

sub post {
    my ($self, $path, $body, $headers) = @_;
    my %h = %{ $headers || {} };
    $h{'Content-Type'} = 'application/x-www-form-urlencoded'
        unless grep { lc eq 'content-type' } keys %h;
    $body = form_urlencode($body) if ref $body;
    $body = '' unless defined $body;
    return $self->request('POST', $path, { headers => \%h, content => $body });
}

# like HTTP::Tiny's www_form_urlencode, but a byte string stays bytes (that
# one UTF-8-encodes every value, mangling 'å' written without "use utf8")
sub form_urlencode {
    my ($data) = @_;
    my @pairs = ref $data eq 'HASH'
        ? map { ($_, $data->{$_}) } sort keys %$data
        : @$data;
    croak "form_urlencode: odd number of elements" if @pairs % 2;
    my @out;
    while (my ($k, $v) = splice @pairs, 0, 2) {
        push @out, join '=', map {
            my $x = defined $_ ? $_ : '';
            utf8::encode($x) if utf8::is_utf8($x);
            $x =~ s/([^A-Za-z0-9\-._~ ])/sprintf '%%%02X', ord $1/ge;
            $x =~ tr/ /+/;
            $x;
        } $k, $v;
    }
    return join '&', @out;
}

sub raw_request {
    my ($self, $bytes, %o) = @_;
    my $timeout = $o{timeout} || 5;
    local $SIG{PIPE} = 'IGNORE';

    my $s = IO::Socket::INET->new(
        PeerAddr => '127.0.0.1',
        PeerPort => $o{port} || $self->port,
        Proto    => 'tcp',
        Timeout  => $timeout,
    ) or croak "raw_request: connect: $!";
    binmode $s;
    my $sel = IO::Select->new($s);

    # the server may answer and close before reading everything (a header
    # that is too large): stop writing then and read its answer
    my $off = 0;
    while ($off < length $bytes) {
        last unless $sel->can_write($timeout);
        my $n = syswrite($s, $bytes, 65536, $off);
        last unless $n;
        $off += $n;
    }

    my $res = '';
    while ($sel->can_read($timeout)) {
        my $n = sysread($s, my $buf, 65536);
        last unless $n;
        $res .= $buf;
    }
    close $s;
    return $res;
}

# An upstream the test answers by hand, on port N (default 2): nginx's
# request reaches it, and the response waits until the test writes it,
# so that a response can be held open while other requests run.
sub hold_upstream {
    my ($self, $n) = @_;
    my $port = $self->port($n // 2);
    return IO::Socket::INET->new(LocalAddr => '127.0.0.1',
        LocalPort => $port, Listen => 8, ReuseAddr => 1, Proto => 'tcp')
        || croak "hold_upstream: cannot listen on $port: $!";
}

# sends $bytes to nginx and accepts nginx's connection to the held
# upstream: (client socket, upstream socket, the upstream request's head)
sub held_request {
    my ($self, $up, $bytes) = @_;
    my $c = IO::Socket::INET->new(PeerAddr => '127.0.0.1',
        PeerPort => $self->port, Proto => 'tcp')
        or croak "held_request: connect: $!";
    print $c $bytes;

    my $u = $up->accept or croak "held_request: accept: $!";
    my $head = '';
    while ($head !~ /\r\n\r\n/) {
        sysread($u, my $buf, 65536) or last;
        $head .= $buf;
    }
    return ($c, $u, $head);
}

# $got followed by everything the socket sends until it closes
sub read_to_end {
    my ($s, $got) = @_;
    $got //= '';
    while (sysread($s, my $buf, 65536)) {
        $got .= $buf;
    }
    close $s;
    return $got;
}

# a file of the test's directory once it holds $n lines (or undef)
sub wait_for_lines {
    my ($self, $name, $n) = @_;
    my $file = "$self->{dir}/$name";
    return $self->wait_for(sub {
        my $l = -f $file ? _slurp($file) : '';
        (() = $l =~ /\n/g) >= $n ? $l : undef;
    });
}

# --- response helpers ------------------------------------------------------

sub set_cookies {
    shift if ref $_[0] && eval { $_[0]->isa(__PACKAGE__) };
    my ($res) = @_;
    my $v = $res->{headers}{'set-cookie'};
    return () unless defined $v;
    return ref $v ? @$v : ($v);
}

sub set_cookie_map {
    shift if ref $_[0] && eval { $_[0]->isa(__PACKAGE__) };
    my %m;
    for my $c (set_cookies(@_)) {
        my ($name) = $c =~ /^\s*([^=;\s]+)/ or next;
        $m{$name} = $c;
    }
    return \%m;
}

# --- SQLite ----------------------------------------------------------------

sub _dbh {
    my ($self, $readonly) = @_;
    require DBI;
    require DBD::SQLite;
    croak "sqlite: " . $self->db . " does not exist" unless -e $self->db;
    return DBI->connect('dbi:SQLite:dbname=' . $self->db, '', '', {
        RaiseError          => 1,
        PrintError          => 0,
        AutoCommit          => 1,
        sqlite_busy_timeout => 5000,
        ($readonly ? (sqlite_open_flags => DBD::SQLite::OPEN_READONLY()) : ()),
    });
}

# Run as root, the tests read and write the register as the workers' user
# while its directory is theirs: the first connection to a WAL database
# creates its -shm (and a writer its -wal) with the owner of the process
# and the mode of the file (0600), so a file made by root in the moment a
# worker first opens the register locks the worker out ("cannot configure:
# unable to open database file"). A register the test made itself, and the
# fault tests that take the directory away from the workers, are read as
# root.
sub _as_db_owner {
    my ($self, $code) = @_;
    # loaded first: as the workers' user, a checkout under a private home
    # (/root, mode 0700) is out of reach, and with it t/lib in @INC
    require DBI;
    require DBD::SQLite;
    my @st = stat $self->{data_dir};
    my @db = stat $self->db;
    return $code->() unless $> == 0 && $self->{wuid} && @st
        && $st[4] == $self->{wuid} && ($st[2] & 0200)
        && (!@db || $db[4] == $self->{wuid});
    local $) = "$self->{wgid} $self->{wgid}";
    local $> = $self->{wuid};
    return $code->();
}

sub sqlite {
    my ($self, $sql, @bind) = @_;
    return $self->_as_db_owner(sub {
        my $dbh = $self->_dbh(1);
        my $rows = $dbh->selectall_arrayref($sql, { Slice => {} }, @bind);
        $dbh->disconnect;
        return $rows;
    });
}

sub sqlite_do {
    my ($self, $sql, @bind) = @_;
    return $self->_as_db_owner(sub {
        my $dbh = $self->_dbh(0);
        my $n = $dbh->do($sql, undef, @bind);
        $dbh->disconnect;
        return $n eq '0E0' ? 0 : $n;
    });
}

1;
