package ExamplePolicy;

# The policy document the project ships as its example
# (docs/examples/policy.json) and the privacy_retention lines its guide,
# docs/policy-document.md, gives for it: what the t/ files that run the
# example shop configure.
#
#   use ExamplePolicy;
#   $t->config(<<"EOF");
#       privacy_policy $ExamplePolicy::PATH;
#   @{[ ExamplePolicy::retention() ]}
#   EOF

use strict;
use warnings;

use PrivacyTest;

our $PATH = "$PrivacyTest::REPO/docs/examples/policy.json";
our $DOC = "$PrivacyTest::REPO/docs/policy-document.md";

# the privacy_retention lines of docs/policy-document.md, in its order
sub retention_lines {
    open my $fh, '<:encoding(UTF-8)', $DOC or die "$DOC: $!";
    my $doc = do { local $/; <$fh> };
    return $doc =~ /^\s*(privacy_retention\s+\w+\s+\S+;)\s*$/mg;
}

# the same lines as configuration text, each indented and on its own line
sub retention { join '', map { "    $_\n" } retention_lines() }

1;
