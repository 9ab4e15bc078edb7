package RegisterFile;

# The register's files as someone who reads the disk sees them: the
# t/ files that check what is not left behind (erased subjects, client
# addresses, swept page views; docs/security.md, docs/database.md) search
# these bytes, not what SQL shows.
#
#   use RegisterFile;
#   $t->stop;                                  # all written
#   my $bytes = RegisterFile::bytes($t);       # privacy.db and its -wal
#   ok(index($bytes, 'Anna') < 0, '...');

use strict;
use warnings;

# The raw bytes of the register $t->db and of its -wal file, and of the
# files with the other SUFFIXES ('-journal') given, one after the other;
# a file that does not exist adds nothing.
sub bytes {
    my ($t, @suffixes) = @_;
    my $bytes = '';
    for my $f (map { $t->db . $_ } '', '-wal', @suffixes) {
        next unless -e $f;
        open my $fh, '<:raw', $f or die "$f: $!";
        local $/;
        $bytes .= <$fh>;
    }
    return $bytes;
}

1;
