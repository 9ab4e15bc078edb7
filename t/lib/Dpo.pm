package Dpo;

# The DPO's pages (docs/dpo-guide.md) as the t/ files that read them set
# them up: a user dpo:s3cret in an htpasswd file, a location that puts
# privacy_dpo behind basic authentication, and requests that carry the
# credentials (and, for the pages' forms, the token and its cookie).
#
#   use Dpo;
#   my $dpo = Dpo->new($t, host => 'shop.example');  # writes htpasswd
#   $t->config(... $dpo->location ...);     # inside a server block
#   my $r = $dpo->get('requests.html');     # GET /dpo/requests.html
#   $dpo->form($r);                         # its token and CSRF cookie
#   $r = $dpo->post('requests/close', [token => $dpo->token, ...]);

use strict;
use warnings;

use JSON::PP;
use MIME::Base64 qw(encode_base64);
use PrivacyTest;

# the Authorization header value of the DPO
our $AUTH = 'Basic ' . encode_base64('dpo:s3cret', '');

# HOST (optional): the Host of every request, and the Origin of POSTs
# (http://HOST); without it requests go to the harness's default host
# and POSTs carry no Origin.
sub new {
    my ($class, $t, %o) = @_;
    my $self = bless { t => $t, host => $o{host} }, $class;
    $t->write_file('htpasswd', "dpo:{PLAIN}s3cret\n");
    return $self;
}

# the Authorization header of the DPO
sub auth { (Authorization => $AUTH) }

# the location block /dpo/, for a server block of $t->config
sub location {
    return <<'EOF';
        location /dpo/ {
            auth_basic "DPO";
            auth_basic_user_file %%DIR%%/htpasswd;
            privacy_dpo;
        }
EOF
}

sub _host { defined $_[0]{host} ? (host => $_[0]{host}) : () }

# GET /dpo/PATH as the DPO; HEADERS add to or replace the credentials
sub get {
    my ($self, $path, %h) = @_;
    return $self->{t}->request('GET', "/dpo/$path", { $self->_host,
        headers => { auth(), %h } });
}

# the JSON of GET /dpo/PATH, decoded (dies when it is not JSON)
sub json {
    my ($self, $path) = @_;
    return decode_json($self->get($path)->{content});
}

# Keeps the form token of a page (a response) and the privacy_dpo_csrf
# cookie it set, for post(); returns both.
sub form {
    my ($self, $r) = @_;
    ($self->{token}) = $r->{content} =~ /name="token" value="([^"]+)"/;
    ($self->{csrf}) = map { /^(privacy_dpo_csrf=[^;]+)/ ? $1 : () }
        set_cookies($r);
    return ($self->{token}, $self->{csrf});
}

sub token { $_[0]{token} }
sub csrf  { $_[0]{csrf} }

# POST /dpo/PATH as the DPO, form-encoded, with the CSRF cookie form()
# kept and, with a host, its Origin: BODY a list of pairs (encoded) or a
# string (sent as it is); HEADERS add to or replace those.
sub post {
    my ($self, $path, $body, %h) = @_;
    my %headers = (auth(), Cookie => $self->{csrf},
        'Content-Type' => 'application/x-www-form-urlencoded',
        (defined $self->{host} ? (Origin => "http://$self->{host}") : ()),
        %h);
    return $self->{t}->request('POST', "/dpo/$path", { $self->_host,
        headers => \%headers,
        content => ref $body ? PrivacyTest::form_urlencode($body) : $body });
}

1;
