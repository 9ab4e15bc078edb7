package MailFolder;

# A sendmail stand-in for privacy_mail_command (docs/rights.md, "Mail"),
# as the t/ files that read what the module mails set it up: mail.sh in
# the test directory writes each message it is given to a file
# mail/msg-*.eml; while the file flags/fail exists it reads the message
# and exits 75 (EX_TEMPFAIL), while flags/hang exists it hangs (a child
# sleeps an hour; its pid goes to flags/sleep.pids) until killed.
#
#   use MailFolder;
#   my $mail = MailFolder->new($t);
#   $t->config(... $mail->command('privacy@shop.example') ...);
#   my @eml = $mail->messages;              # oldest first
#   $mail->flag('fail', 1);                 # mail.sh fails from now on

use strict;
use warnings;

use PrivacyTest;

sub new {
    my ($class, $t) = @_;
    my $self = bless { t => $t,
        dir => $t->make_dir('mail', worker_owned => 1),
        flags => $t->make_dir('flags', worker_owned => 1) }, $class;
    my ($mail, $flag) = @$self{qw(dir flags)};
    $t->write_file('mail.sh', <<"EOS");
#!/bin/sh
# a sendmail stand-in: fails or hangs while a flag file says so
if [ -e $flag/fail ]; then cat >/dev/null; exit 75; fi
if [ -e $flag/hang ]; then
    cat >/dev/null
    sleep 3600 &
    echo \$! >>$flag/sleep.pids
    wait
    exit 0
fi
f=\$(mktemp $mail/msg-XXXXXXXX)
cat >"\$f" && mv "\$f" "\$f.eml"
EOS
    chmod 0755, $t->dir . '/mail.sh';
    return $self;
}

# the folder of the delivered messages, and the one of the flag files
sub dir   { $_[0]{dir} }
sub flags { $_[0]{flags} }

# the privacy_mail_command line (http level) that mails through mail.sh
# with the sender FROM
sub command {
    my ($self, $from) = @_;
    return qq{    privacy_mail_command "%%DIR%%/mail.sh" from=$from;};
}

# the delivered messages (paths), oldest first; in scalar context, how
# many
sub messages {
    my ($self) = @_;
    my @m = sort { (stat $a)[9] <=> (stat $b)[9] || $a cmp $b }
        glob("$self->{dir}/*.eml");
    return @m;
}

# sets (ON true) or clears the flag NAME: fail or hang
sub flag {
    my ($self, $name, $on) = @_;
    my $f = "$self->{flags}/$name";
    if ($on) {
        $self->{t}->write_file("flags/$name", '');
    } else {
        unlink $f;
    }
}

# the pids of the children a hanging mail.sh started
sub sleepers {
    my ($self) = @_;
    return PrivacyTest::_slurp("$self->{flags}/sleep.pids") =~ /(\d+)/g;
}

1;
