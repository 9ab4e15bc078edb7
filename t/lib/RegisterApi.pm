package RegisterApi;

# The register API (docs/api.md) as the t/ files that feed or read the
# register through it set it up: one token, one location allowed from
# the loopback only, and a call() that sends JSON with the token and
# decodes the answer.
#
#   use RegisterApi;
#   my $api = RegisterApi->new($t);          # writes the token file
#   $t->config(... $api->location ... );     # inside a server block
#   my ($status, $json, $res) = $api->call('POST', 'subjects', {...});
#
# With token_file => undef the location takes no token (the loopback
# only still) and call() sends none.

use strict;
use warnings;

use JSON::PP;

our $TOKEN = '0123456789abcdef0123456789abcdef';
our $PATH = '/api/register';

my $J = JSON::PP->new->canonical;

sub new {
    my ($class, $t, %o) = @_;
    my $self = bless { t => $t, path => $o{path} // $PATH,
        token_file => exists $o{token_file} ? $o{token_file} : 'token' },
        $class;
    $t->write_file($self->{token_file}, "$TOKEN\n")
        if defined $self->{token_file};
    return $self;
}

sub path { $_[0]{path} }

# the Authorization header of a client that holds the token
sub auth { (Authorization => "Bearer $TOKEN") }

# the location block, for the server block of $t->config
sub location {
    my ($self) = @_;
    my $token = defined $self->{token_file} ? ' ' x 12
        . "privacy_register_api_token %%DIR%%/$self->{token_file};\n" : '';
    return <<"EOF";
        location $self->{path}/ {
            allow 127.0.0.1;
            deny all;
            privacy_register_api;
$token        }
EOF
}

# METHOD on PATH below the API: a reference as BODY goes as JSON, a
# string as it is; HEADERS add to or replace the token's header (an
# undefined Authorization sends none).  Returns the status, the decoded
# JSON answer (undef when it is not JSON) and the whole response.
sub call {
    my ($self, $method, $path, $body, %h) = @_;
    my %headers = (defined $self->{token_file} ? auth() : (), %h);
    delete $headers{Authorization} unless defined $headers{Authorization};
    $headers{'Content-Type'} //= 'application/json' if defined $body;
    $body = $J->encode($body) if ref $body;
    my $res = $self->{t}->request($method, "$self->{path}/$path",
        { headers => \%headers, defined $body ? (content => $body) : () });
    return ($res->{status}, eval { decode_json($res->{content}) }, $res);
}

1;
