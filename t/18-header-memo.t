#!/usr/bin/perl

# The per-worker memo of Cookie headers (ngx_http_privacy_header_memo.c):
# a header seen before is not searched for the consent cookie nor parsed
# again; what was learnt is replayed.  The verdict depends on the header's
# bytes, the location's configuration and the consent categories, so the
# same bytes must still be judged afresh when any of the other two
# differs, and a replayed verdict must match a fresh one byte for byte:
# forwarded header, $privacy_stripped and the expiring Set-Cookie headers.
# A remembered consent cookie still expires, and a refused one is never
# taken for valid.  One worker, so that every request after the first
# meets the memo.

use strict;
use warnings;

use FindBin;
use lib "$FindBin::Bin/lib";

use Test::More;
use HTTP::Tiny;
use PrivacyTest;

my $t = PrivacyTest->new;

$t->config(<<'EOF');
    privacy_secret_file %%SECRET%%;
    privacy_cookie statistics '^_ga$';
    privacy_cookie marketing '^_fbp$';
    privacy_cookie necessary '^session$';
    privacy_cookie preferences '^lang$';

    server {
        listen 127.0.0.1:%%PORT%%;
        server_name memo.example *.memo.example;
        privacy on;
        privacy_gpc on;

        location / {
            return 200 "cookie=[$http_cookie] stripped=[$privacy_stripped]\n";
        }

        location /strict/ {
            privacy_unclassified strip;
            return 200 "cookie=[$http_cookie] stripped=[$privacy_stripped]\n";
        }

        location /more/ {
            privacy_cookie marketing '^other$';
            return 200 "cookie=[$http_cookie] stripped=[$privacy_stripped]\n";
        }

        location /ka/ {
            return 200 "n=$connection_requests cookie=[$http_cookie] stripped=[$privacy_stripped]\n";
        }

        location /ka/strict/ {
            privacy_unclassified strip;
            return 200 "n=$connection_requests cookie=[$http_cookie] stripped=[$privacy_stripped]\n";
        }

        location /privacy/ {
            privacy_portal;
        }
    }

    server {
        listen 127.0.0.1:%%PORT%%;
        server_name short.example;
        privacy on;
        privacy_consent_cookie pc max_age=1s;

        location / {
            return 200 "decided=[$privacy_decided] cookie=[$http_cookie]\n";
        }

        location /privacy/ {
            privacy_portal;
        }
    }
EOF
$t->start;

my $header = '_ga=1; session=s; other=o; _fbp=f; lang=sv';

# the same bytes, three times each, in interleaved locations
for my $round (1 .. 3) {
    my $r = $t->get('/', { Cookie => $header });
    is($r->{content}, "cookie=[session=s; other=o] stripped=[_ga,_fbp,lang]\n",
       "round $round: no consent, unclassified kept");

    $r = $t->get('/strict/', { Cookie => $header });
    is($r->{content}, "cookie=[session=s] stripped=[_ga,other,_fbp,lang]\n",
       "round $round: same bytes, privacy_unclassified strip");

    $r = $t->get('/more/', { Cookie => $header });
    is($r->{content}, "cookie=[session=s] stripped=[_ga,other,_fbp,lang]\n",
       "round $round: same bytes, a location with its own pattern");
}

# the expiry of presented denied cookies is replayed too
my @fresh = sort grep { /Max-Age=0/ }
    set_cookies($t->get('/', { Cookie => 'lang=en; _fbp=x' }));
my @replayed = sort grep { /Max-Age=0/ }
    set_cookies($t->get('/', { Cookie => 'lang=en; _fbp=x' }));
ok(scalar @fresh >= 2, 'denied cookies expired (' . scalar(@fresh) . ')');
is_deeply(\@replayed, \@fresh, 'the replayed verdict expires the same');

# the remembered expiries belong to one host: the same header on another
# host expires for that host's domains, and each host's answer repeats
sub expiries {
    my ($host) = @_;
    my $r = $t->request('GET', '/', { host => $host,
                                      headers => { Cookie => 'lang=en; _fbp=x' } });
    return [sort grep { /Max-Age=0/ } set_cookies($r)];
}
my $plain = expiries('memo.example');
my $shop = expiries('shop.memo.example');
ok((grep { /Domain=shop\.memo\.example/ } @$shop)
   && (grep { /Domain=memo\.example/ } @$shop),
   'another host: its own domain and its parent');
ok(!(grep { /Domain=shop/ } @$plain), 'and not on the first host');
is_deeply(expiries('memo.example'), $plain, 'first host again: the same');
is_deeply(expiries('shop.memo.example'), $shop, 'second host again: the same');

# consent that grants everything: the same Cookie header with and without
# Sec-GPC, which under privacy_gpc takes marketing away
my $res = $t->post('/privacy/consent', [action => 'accept_all']);
is($res->{status}, 303, 'accept_all recorded');
my ($consent) = grep { /^privacy_consent=/ } set_cookies($res);
$consent =~ s/;.*//;

my $with = "$header; $consent";
for my $round (1 .. 2) {
    my $r = $t->get('/', { Cookie => $with });
    is($r->{content}, "cookie=[$with] stripped=[]\n",
       "round $round: all granted, nothing stripped");

    $r = $t->get('/', { Cookie => $with, 'Sec-GPC' => '1' });
    my $want = "_ga=1; session=s; other=o; lang=sv; $consent";
    is($r->{content}, "cookie=[$want] stripped=[_fbp]\n",
       "round $round: same bytes with Sec-GPC: marketing stripped");
}

# a remembered consent cookie still expires (max_age=1s): the same header
# is granted while it is young, and refused two seconds after the choice
$res = $t->request('POST', '/privacy/consent', {
    host => 'short.example',
    headers => { 'Content-Type' => 'application/x-www-form-urlencoded' },
    content => 'action=accept_all' });
my $decided_at = time;
my ($pc) = grep { /^pc=/ } set_cookies($res);
$pc =~ s/;.*//;
my $short = "_ga=1; $pc";
for my $round (1 .. 3) {
    my $r = $t->request('GET', '/', { host => 'short.example',
                                      headers => { Cookie => $short } });
    is($r->{content}, "decided=[1] cookie=[$short]\n",
       "round $round: a young consent cookie, remembered");
}
my $until = int($decided_at) + 2.2;
select(undef, undef, undef, $until - time) if time < $until;
for my $round (1 .. 2) {
    my $r = $t->request('GET', '/', { host => 'short.example',
                                      headers => { Cookie => $short } });
    is($r->{content}, "decided=[0] cookie=[$pc]\n",
       "round $round: the same header once the cookie expired");
}

# a forged consent cookie is refused every time, not remembered as valid
(my $forged = $consent) =~ s/.$/$& eq 'A' ? 'B' : 'A'/e;
for my $round (1 .. 3) {
    my $r = $t->get('/', { Cookie => "_ga=1; $forged" });
    is($r->{content}, "cookie=[$forged] stripped=[_ga]\n",
       "round $round: a forged consent cookie grants nothing");
}

# headers beyond the memo's length limit are judged every time
my $long = join '; ', map { "u$_=" . ('v' x 20) } 1 .. 100;
for my $round (1 .. 2) {
    my $r = $t->get('/', { Cookie => "_ga=1; $long; session=s" });
    is($r->{content}, "cookie=[$long; session=s] stripped=[_ga]\n",
       "round $round: a 2.5 KB header, not memoised");
}

# more presented cookies than a slot records: still right every time
my $many = join '; ', map { "_ga=$_" } 1 .. 40;
for my $round (1 .. 2) {
    my $r = $t->get('/', { Cookie => "$many; session=s" });
    is($r->{content}, "cookie=[session=s] stripped=[" . join(',', ('_ga') x 40)
       . "]\n", "round $round: 40 denied cookies");
}

# a memo slot reused by another header, then the first one again
my @headers = map { "_ga=$_; session=$_; other=$_" } 1 .. 200;
my $bad = 0;
for my $h (@headers, @headers) {
    my ($n) = $h =~ /_ga=(\d+)/;
    my $r = $t->get('/', { Cookie => $h });
    $bad++ unless $r->{content} eq "cookie=[session=$n; other=$n] stripped=[_ga]\n";
}
is($bad, 0, '400 requests over 200 distinct headers: all verdicts right');

# a kept-alive connection tries the slot its last request used first
# (ngx_http_privacy_memo_hint_t): its answers must stay those of a fresh
# look when its header changes, when the location changes, and when other
# connections took the slot over in between
my $ka = HTTP::Tiny->new(keep_alive => 1, proxy => undef, http_proxy => undef,
                         timeout => 10);
my $ka_url = 'http://127.0.0.1:' . $t->port;
my $n = 0;
my @seen;
sub ka {
    my ($path, $cookie) = @_;
    my $r = $ka->get("$ka_url$path", { headers => { Cookie => $cookie } });
    my ($got) = $r->{content} =~ /^n=(\d+) /;
    push @seen, $got // 0;
    (my $rest = $r->{content}) =~ s/^n=\d+ //;
    return $rest;
}
my $h1 = '_ga=1; session=a; other=o';
my $h2 = '_ga=2; session=b; other=p';   # as long as $h1
for my $round (1 .. 3) {
    is(ka('/ka/', $h1), "cookie=[session=a; other=o] stripped=[_ga]\n",
       "keep-alive round $round: first header");
    is(ka('/ka/', $h1), "cookie=[session=a; other=o] stripped=[_ga]\n",
       "keep-alive round $round: first header again");
    is(ka('/ka/strict/', $h1), "cookie=[session=a] stripped=[_ga,other]\n",
       "keep-alive round $round: same header, another location");
    is(ka('/ka/', $h2), "cookie=[session=b; other=p] stripped=[_ga]\n",
       "keep-alive round $round: another header on the connection");

    # other connections take every slot over
    for my $k (1 .. 100) {
        $t->get('/', { Cookie => "_ga=$round$k; session=$k" });
    }
    is(ka('/ka/', $h2), "cookie=[session=b; other=p] stripped=[_ga]\n",
       "keep-alive round $round: after its slot was taken over");
}
is_deeply(\@seen, [1 .. scalar @seen], 'all of them on one connection');

done_testing;
undef $t;
