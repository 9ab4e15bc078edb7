#!/usr/bin/perl

# Issue #14: the browser tests must run on Debian 12's Node.js 18. The npm
# packages pinned in tests/browser/package-lock.json must accept it, and
# tests/browser/check-engines.mjs (run by tests/browser/run.sh before the
# tests) must refuse, naming the package, an installed package whose
# "engines.node" the running Node.js does not satisfy.

use strict;
use warnings;

use FindBin;
use File::Path qw(make_path);
use File::Temp qw(tempdir);
use JSON::PP;
use Test::More;

my $repo = "$FindBin::Bin/..";
my $check = "$repo/tests/browser/check-engines.mjs";
my $node = (grep { -x } map { "$_/node" } split /:/, $ENV{PATH})[0];
plan skip_all => 'node not installed (apt-get install nodejs)' unless $node;

my $DEBIAN12_NODE = '18.20.4';     # nodejs in bookworm (+ security)

# a node_modules tree holding the given packages' package.json files
sub fake_modules {
    my (@pkgs) = @_;
    my $dir = tempdir(CLEANUP => 1) . '/node_modules';
    for my $p (@pkgs) {
        make_path("$dir/$p->{name}");
        open my $fh, '>', "$dir/$p->{name}/package.json" or die $!;
        print $fh encode_json($p);
        close $fh;
    }
    return $dir;
}

# runs the check as run.sh does, with the Node.js version it should assume
sub check {
    my ($dir, $version) = @_;
    local $ENV{CHECK_ENGINES_NODE} = $version;
    my $out = qx{"$node" "$check" "$dir" 2>&1};
    return ($? >> 8, $out);
}

# --- the committed pins accept Debian 12's Node.js ------------------------

open my $fh, '<', "$repo/tests/browser/package-lock.json" or die $!;
my $lock = decode_json(do { local $/; <$fh> });
close $fh;
my @locked;
for my $path (sort keys %{$lock->{packages}}) {
    next unless $path =~ m{^node_modules/(.+)$};
    my $e = $lock->{packages}{$path};
    push @locked, { name => $1, version => $e->{version},
                    ($e->{engines} ? (engines => $e->{engines}) : ()) };
}
my %names = map { $_->{name} => 1 } @locked;
ok($names{'playwright-core'} && $names{'axe-core'},
    'the lock file pins playwright-core and axe-core');

my ($rc, $out) = check(fake_modules(@locked), $DEBIAN12_NODE);
is($rc, 0, "every locked package accepts Node.js $DEBIAN12_NODE")
    or diag($out);
like($out, qr/\b\Q@{[scalar @locked]}\E npm packages accept/,
    'all locked packages were checked');

# --- a package that asks for a newer Node.js is refused -------------------

my $dir = fake_modules(
    { name => 'axe-core', version => '4.14.1', engines => { node => '>=4' } },
    { name => 'playwright-core', version => '1.65.1',
      engines => { node => '>=20' } },
);
($rc, $out) = check($dir, $DEBIAN12_NODE);
is($rc, 1, 'a package needing Node.js 20 is refused on 18');
like($out, qr/playwright-core\@1\.65\.1 requires Node ">=20"/,
    'the message names the package and the range it asks for');
like($out, qr/Node\.js \Q$DEBIAN12_NODE\E does not satisfy/,
    'the message names the running Node.js');
unlike($out, qr/axe-core/, 'a package that accepts it is not named');

($rc, $out) = check($dir, '20.11.0');
is($rc, 0, 'the same packages pass on Node.js 20') or diag($out);

# scoped and nested packages are checked too
$dir = fake_modules({ name => 'a', version => '1.0.0' });
make_path("$dir/a/node_modules/\@s/b");
open $fh, '>', "$dir/a/node_modules/\@s/b/package.json" or die $!;
print $fh encode_json({ name => '@s/b', version => '2.0.0',
                        engines => { node => '^20 || >=22' } });
close $fh;
($rc, $out) = check($dir, $DEBIAN12_NODE);
is($rc, 1, 'a nested scoped package is checked');
like($out, qr/\@s\/b\@2\.0\.0/, 'and named');

# without CHECK_ENGINES_NODE the running Node.js is the one checked
$dir = fake_modules({ name => 'future', version => '1.0.0',
                      engines => { node => '>=999' } });
$out = qx{"$node" "$check" "$dir" 2>&1};
isnt($? >> 8, 0, 'the running Node.js is checked by default');

done_testing;
