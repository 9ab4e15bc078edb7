package EchoUpstream;

=head1 NAME

EchoUpstream - a raw echo upstream for the integration tests

=head1 SYNOPSIS

    use FindBin;
    use lib "$FindBin::Bin/lib";
    use PrivacyTest;
    use EchoUpstream;

    my $t = PrivacyTest->new;
    my $echo = EchoUpstream->start($t->port(2));

    $t->config(<<'EOF');
        ...
        location / { proxy_pass http://127.0.0.1:%%PORT_2%%; }
    EOF
    $t->start;

    my $r = $t->get('/', { Cookie => '_ga=1; session=2' });
    my @lines = $r->{content} =~ /^cookie: ?(.*?)\r?$/mgi;

    $echo->stop;
    done_testing;

=head1 DESCRIPTION

The upstream of tests that must see the request head exactly as nginx
forwarded it: an absent Cookie header told from an empty one, repeated
headers kept apart, their order and bytes unchanged.  nginx's own
C<$http_cookie> (the C<%%BACKEND%%> of L<PrivacyTest>) cannot show that.

C<< EchoUpstream->start($port) >> listens on 127.0.0.1:$port (take the port
from C<< $t->port(N) >>), forks a child process that serves the connections
one at a time, and returns an object.  The child answers every request with

    HTTP/1.0 200 OK
    Content-Type: text/plain
    X-Echo-Cookie: <the Cookie lines joined with " | ", or "(none)">
    Content-Length: ...
    Connection: close

    <the request head as received, up to its blank line>\r\n

C<X-Echo-Cookie> lets a caller that sees only the headers (an
C<auth_request> subrequest via C<$upstream_http_x_echo_cookie>) know what
reached the upstream; bytes outside printable ASCII become C<?> and it is
cut at 1,000 characters.  A request body is not read.

C<< $echo->stop >> sends TERM to the child and reaps it; calling it again is
harmless.  The child is also stopped when the object is destroyed and, from
an C<END> block, when the script ends or dies half-way, so it never
outlives the test.  C<< $echo->pid >> is the child's pid (undef once
stopped).

The child closes its STDOUT and STDERR (prove waits for every process that
holds its pipe) and leaves with C<POSIX::_exit>, so it never runs the test
script's C<END> blocks or Test::Builder's.

=cut

use strict;
use warnings;

use Carp qw(croak);
use IO::Socket::INET;
use POSIX ();

my %LIVE;   # pid of every running child => pid of the process that forked it

sub start {
    my ($class, $port) = @_;
    croak 'EchoUpstream->start($port)' unless $port;

    my $srv = IO::Socket::INET->new(LocalAddr => '127.0.0.1',
        LocalPort => $port, Listen => 64, ReuseAddr => 1, Proto => 'tcp')
        or croak "echo server: cannot listen on $port: $!";
    my $pid = fork;
    croak "fork: $!" unless defined $pid;
    if ($pid == 0) {
        # prove waits for everyone holding its pipe: let go of it
        open STDOUT, '>', '/dev/null';
        open STDERR, '>', '/dev/null';
        $SIG{TERM} = sub { POSIX::_exit(0) };
        eval { _serve($srv) };
        POSIX::_exit(0);
    }
    close $srv;

    $LIVE{$pid} = $$;
    return bless { pid => $pid }, $class;
}

sub pid { $_[0]{pid} }

sub stop {
    my ($self) = @_;
    _reap(delete $self->{pid});
    return $self;
}

sub _reap {
    my ($pid) = @_;
    return unless $pid && ($LIVE{$pid} // 0) == $$;
    delete $LIVE{$pid};
    local ($?, $!);
    kill 'TERM', $pid;
    waitpid $pid, 0;
}

sub DESTROY {
    local ($?, $!, $@);
    $_[0]->stop;
}

# also when the script dies half-way
END {
    _reap($_) for keys %LIVE;
}

sub _serve {
    my ($srv) = @_;
    while (1) {
        my $c = $srv->accept or next;
        binmode $c;
        my $req = '';
        while ($req !~ /\r\n\r\n/) {
            my $n = sysread($c, my $buf, 65536);
            last unless $n;
            $req .= $buf;
        }
        my ($head) = split /\r\n\r\n/, $req, 2;
        $head //= '';
        my @c = $head =~ /^cookie:[ \t]*(.*?)\r?$/mgi;
        my $xc = @c ? join(' | ', @c) : '(none)';
        $xc =~ s/[^\x20-\x7e]/?/g;
        $xc = substr($xc, 0, 1000);
        my $body = "$head\r\n";
        print $c "HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n"
            . "X-Echo-Cookie: $xc\r\n"
            . 'Content-Length: ' . length($body) . "\r\n"
            . "Connection: close\r\n\r\n$body";
        close $c;
    }
}

1;
