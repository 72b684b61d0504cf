#!/usr/bin/perl
# pnode.pl: a Perl AnyEvent::MP node for the interop tests, driven line
# by line on stdin with the commands of tests/regress/dbnode.c (set, del,
# mon, port, snd, keys, family, quit) and printing the same lines.
#
#	perl pnode.pl key value ...	(AnyEvent::MP::configure pairs;
#					 binds, seeds and framing_format
#					 take comma-separated lists)

use strict;
use warnings;

use AnyEvent;
use AnyEvent::MP;
use AnyEvent::MP::Kernel;
use JSON::XS;

$| = 1;

my $json = JSON::XS->new->canonical->allow_nonref;
my %args = @ARGV;
for my $k (qw(binds seeds framing_format)) {
	$args{$k} = [split /,/, $args{$k}] if exists $args{$k};
}
configure norc => 1, %args;
print "ready $NODE\n";

my (%ports, @guards);

sub keys_line {
	my ($label, $keys) = @_;
	return " $label=" . join ",", sort @{ $keys || [] };
}

sub cmd_mon {
	my ($fam) = @_;

	push @guards, db_mon $fam => sub {
		my ($db, $a, $c, $d) = @_;
		print "mon $fam", keys_line(a => $a), keys_line(c => $c),
		    keys_line(d => $d), " n=", scalar(keys %$db), " db=",
		    $json->encode($db), "\n";
	};
}

sub cmd_port {
	my ($name) = @_;

	$ports{$name} = port {
		print "rcv $name ", $json->encode([@_]), "\n";
	};
	print "port $name $ports{$name}\n";
}

sub command {
	my ($cmd, $a, $b, $c) = split /\s+/, $_[0], 4;

	return unless defined $cmd && length $cmd;
	if ($cmd eq "quit") {
		exit 0;
	} elsif ($cmd eq "set") {
		db_set $a => $b => $json->decode($c);
	} elsif ($cmd eq "del") {
		db_del $a => $b;
	} elsif ($cmd eq "mon") {
		cmd_mon $a;
	} elsif ($cmd eq "port") {
		cmd_port $a;
	} elsif ($cmd eq "snd") {
		snd $a, @{ $json->decode($b) };
	} elsif ($cmd eq "keys") {
		db_keys $a => sub { print "keys", keys_line(k => $_[0]), "\n" };
	} elsif ($cmd eq "family") {
		db_family $a => sub { print "family ", $json->encode($_[0]), "\n" };
	} else {
		print "error unknown command $cmd\n";
	}
}

my $buf = "";
my $w; $w = AE::io *STDIN, 0, sub {
	my $n = sysread STDIN, $buf, 4096, length $buf;
	exit 0 unless $n;
	command $1 while $buf =~ s/^([^\n]*)\n//;
};

AE::cv->recv;
